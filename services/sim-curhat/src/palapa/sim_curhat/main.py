"""Run the simulator until Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal

from sqlalchemy.exc import SQLAlchemyError

from palapa.curhat_legacy import create
from palapa.kit.db import make_engine
from palapa.kit.loops import Backoff, Outage, pause
from palapa.kit.settings import load
from palapa.kit.telemetry import configure_logging

from .generate import ComplaintGenerator
from .settings import SimSettings
from .simulate import Simulator

log = logging.getLogger("palapa.sim_curhat")


async def run(settings: SimSettings, stop: asyncio.Event | None = None) -> Simulator:
    """Create the table if missing, then simulate until `stop` is set (or SIGINT/SIGTERM when None)."""
    stop = stop or _stop_on_signals()
    engine = make_engine(settings.legacy_database_url, pool_size=2)
    simulator = Simulator(
        engine,
        ComplaintGenerator(settings.seed, settings.broken_row_ratio, settings.odd_move_ratio),
        complaints_per_minute=settings.complaints_per_minute,
        updates_per_minute=settings.updates_per_minute,
    )
    try:
        await _create_when_reachable(engine, stop)
        if not stop.is_set():
            log.info(
                "simulating Curhat Ning Ita: %.1f complaints/min, %.1f updates/min (%.0f%% odd moves)",
                settings.complaints_per_minute, settings.updates_per_minute, settings.odd_move_ratio * 100,
            )
            await simulator.run(stop)
    finally:
        await engine.dispose()
        log.info("simulator stopped: %d inserted, %d updated", simulator.inserted, simulator.updated)
    return simulator


async def _create_when_reachable(engine, stop: asyncio.Event) -> None:
    """The legacy app's installer: create the table, waiting for the database to come up."""
    backoff, outage = Backoff(first=0.5, cap=10.0), Outage("legacy database", log)
    while not stop.is_set():
        try:
            await create(engine)
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            outage.failed(exc)
            await pause(stop, backoff.next())
        else:
            outage.recovered()
            return


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


def main() -> None:
    settings = load(SimSettings, "sim-curhat")
    configure_logging(settings.log_level)
    asyncio.run(run(settings))
