"""Run the simulator until Ctrl-C or SIGTERM: patients take numbers, are called, are served."""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from palapa.kit.clock import zone
from palapa.kit.db import make_engine
from palapa.kit.loops import Backoff, Outage, pause
from palapa.kit.settings import load
from palapa.kit.telemetry import configure_logging

from .clinic import Clinic
from .schema import antrian_pasien, create
from .settings import SimPuskesmasSettings

log = logging.getLogger("palapa.sim_puskesmas")
WIB = zone("Asia/Jakarta")


def wib_now() -> datetime:
    return datetime.now(WIB).replace(tzinfo=None, microsecond=0)


async def step(engine, clinic: Clinic) -> None:
    """One moment of the morning: a patient arrives; the oldest waiting is called; the oldest called is served."""
    t = antrian_pasien
    async with engine.begin() as conn:
        await conn.execute(t.insert().values(**clinic.patient(wib_now())))
        waiting = await conn.scalar(
            select(t.c.id_antrian).where(t.c.status_antrian == "0").order_by(t.c.id_antrian).limit(1)
        )
        if waiting is not None and clinic.rng.random() < 0.9:
            await conn.execute(update(t).where(t.c.id_antrian == waiting).values(**clinic.call(wib_now())))
        called = await conn.scalar(
            select(t.c.id_antrian).where(t.c.status_antrian == "1").order_by(t.c.id_antrian).limit(1)
        )
        if called is not None and clinic.rng.random() < 0.5:
            await conn.execute(update(t).where(t.c.id_antrian == called).values(**clinic.done(wib_now())))


async def run(settings: SimPuskesmasSettings, stop: asyncio.Event | None = None) -> int:
    """Create the table if missing, then simulate until `stop` is set; returns the steps taken."""
    stop = stop or _stop_on_signals()
    engine = make_engine(settings.database_url, pool_size=2)
    clinic, steps, created = Clinic(settings.seed, settings.broken_row_ratio), 0, False
    backoff, outage = Backoff(first=0.5, cap=10.0), Outage("puskesmas database", log)
    every = 60.0 / settings.patients_per_minute if settings.patients_per_minute else 3600.0
    log.info("simulating the puskesmas queues: %.1f patients/min", settings.patients_per_minute)
    try:
        while not stop.is_set():
            try:
                if not created:
                    await create(engine)  # the app's installer; nothing when the table is there
                    created = True
                await step(engine, clinic)
            except (SQLAlchemyError, OSError, TimeoutError) as exc:
                outage.failed(exc)
                await pause(stop, backoff.next())
                continue
            outage.recovered()
            backoff.reset()
            steps += 1
            await pause(stop, every)
    finally:
        await engine.dispose()
        log.info("simulator stopped after %d steps", steps)
    return steps


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


def main() -> None:
    settings = load(SimPuskesmasSettings, "sim-puskesmas")
    configure_logging(settings.log_level)
    asyncio.run(run(settings))
