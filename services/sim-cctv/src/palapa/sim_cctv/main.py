"""Run the simulated Dishub CCTV app until Ctrl-C or SIGTERM."""

from __future__ import annotations

import logging
from datetime import timedelta

import uvicorn

from palapa.cctv_legacy.api import create_app
from palapa.cctv_legacy.cameras import Dishub
from palapa.kit.settings import load
from palapa.kit.telemetry import configure_logging

from .settings import SimCctvSettings

log = logging.getLogger("palapa.sim_cctv")


def main() -> None:
    settings = load(SimCctvSettings, "sim-cctv")
    configure_logging(settings.log_level)
    dishub = Dishub(settings.cameras, seed=settings.seed, quirk_ratio=settings.quirk_ratio,
                    clock_skew=timedelta(minutes=settings.clock_skew_minutes))
    log.info("simulating Dishub CCTV: %d cameras, %.1f changes/min", len(dishub.cameras), settings.changes_per_minute)
    app = create_app(dishub, changes_per_minute=settings.changes_per_minute,
                     registrations_per_minute=settings.registrations_per_minute)
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_level=settings.log_level.lower(),
                access_log=False)
