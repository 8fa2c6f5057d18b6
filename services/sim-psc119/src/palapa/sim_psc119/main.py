"""Run the simulated PSC 119 app (palapa.psc119_legacy) until Ctrl-C or SIGTERM."""

from __future__ import annotations

import logging

from palapa.kit.http import serve
from palapa.kit.settings import load
from palapa.psc119_legacy.app import create_app

from .settings import SimPsc119Settings


def main() -> None:
    settings = load(SimPsc119Settings, "sim-psc119")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per webhook sent says nothing
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
