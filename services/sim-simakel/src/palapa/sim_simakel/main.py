"""Run the simulated Si Makel app until Ctrl-C or SIGTERM."""

from __future__ import annotations

import logging
from datetime import timedelta

import uvicorn

from palapa.kit.settings import load
from palapa.kit.telemetry import configure_logging
from palapa.simakel_legacy.api import create_app
from palapa.simakel_legacy.requests import SiMakel

from .settings import SimSimakelSettings

log = logging.getLogger("palapa.sim_simakel")


def main() -> None:
    settings = load(SimSimakelSettings, "sim-simakel")
    configure_logging(settings.log_level)
    simakel = SiMakel(seed=settings.seed, quirk_ratio=settings.quirk_ratio,
                      clock_skew=timedelta(minutes=settings.clock_skew_minutes))
    log.info("simulating Si Makel: %.1f requests/min, %.1f status moves/min", settings.submissions_per_minute,
             settings.moves_per_minute)
    app = create_app(simakel, submissions_per_minute=settings.submissions_per_minute,
                     moves_per_minute=settings.moves_per_minute)
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_level=settings.log_level.lower(),
                access_log=False)
