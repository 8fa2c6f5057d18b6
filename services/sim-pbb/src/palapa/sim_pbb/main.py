"""Run the simulator of BPKPD's PBB app until Ctrl-C or SIGTERM: exports written "nightly", payments all day."""

from __future__ import annotations

import asyncio
import logging
import random
import signal
from datetime import datetime, timedelta, timezone

from sqlalchemy.exc import SQLAlchemyError

from palapa.kit.db import make_engine
from palapa.kit.loops import Backoff, Outage, pause
from palapa.kit.settings import load
from palapa.kit.telemetry import configure_logging
from palapa.pbb_legacy import Export, create, dotted, nop_digits, pembayaran_sppt

from .settings import SimPbbSettings

log = logging.getLogger("palapa.sim_pbb")
WIB = timezone(timedelta(hours=7))


def payment_row(export: Export, rng: random.Random, broken_ratio: float) -> dict:
    """A payment of an unpaid bill as the counter typed it (NOP dotted or not); now and then a broken one."""
    now = datetime.now(WIB).replace(tzinfo=None, microsecond=0)
    i = rng.randrange(export.bills)
    amount, _ = export.state(i)
    export.changes[i] = (amount, True)  # the next export shows it paid
    nop = nop_digits(i)
    shown = dotted(nop) if rng.random() < 0.7 else nop
    if rng.random() < broken_ratio:
        shown = rng.choice(["-", "", "35.76.XXX", nop[:-1]])
    return {"nop": shown, "thn_pajak_sppt": export.year, "jml_bayar": amount, "tgl_pembayaran": now, "tgl_rekam": now}


async def run(settings: SimPbbSettings, stop: asyncio.Event | None = None) -> Export:
    stop = stop or _stop_on_signals()
    rng = random.Random(settings.seed)
    export = Export(settings.bills)
    settings.drop_folder.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.legacy_database_url, pool_size=2)
    try:
        await _create_when_reachable(engine, stop)
        next_export = 0.0
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            if loop.time() >= next_export:
                if next_export:
                    export.change(settings.changed_fraction, rng.randrange(1 << 30))
                name = f"pbb_{datetime.now(WIB):%Y%m%d_%H%M%S}.csv"
                # no .done marker: the bridge waits until the file stops changing (the settle rule)
                await asyncio.to_thread(export.write, settings.drop_folder / name, False)
                log.info("export %s written: %d bills", name, export.bills)
                next_export = loop.time() + settings.export_every_seconds
            if settings.payments_per_minute > 0:
                try:
                    async with engine.begin() as conn:
                        await conn.execute(pembayaran_sppt.insert(),
                                           [payment_row(export, rng, settings.broken_payment_ratio)])
                except (SQLAlchemyError, OSError) as exc:
                    log.warning("payment not recorded: %s", exc)
                await pause(stop, rng.expovariate(settings.payments_per_minute / 60))
            else:
                await pause(stop, 1.0)
    finally:
        await engine.dispose()
    return export


async def _create_when_reachable(engine, stop: asyncio.Event) -> None:
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
    settings = load(SimPbbSettings, "sim-pbb")
    configure_logging(settings.log_level)
    asyncio.run(run(settings))
