"""Run the simulated provider (palapa.provider_sims.whatsapp) until Ctrl-C or SIGTERM."""

from __future__ import annotations

import logging

from palapa.kit.http import serve
from palapa.kit.settings import load
from palapa.provider_sims.whatsapp import create_app

from .settings import SimWhatsAppSettings


def main() -> None:
    settings = load(SimWhatsAppSettings, "sim-whatsapp")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per callback sent says nothing
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
