"""Outbox relay throughput: stage a backlog of N events in one transaction, time until all are on the broker.

`./palapa bench outbox --rows 5000` (Tansu and embedded PostgreSQL on free ports).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import MetaData, func, select

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintStatusChanged
from palapa.contracts.topics import ALL_TOPICS
from palapa.kit.runtime import Runtime
from palapa.kit.settings import ServiceSettings
from palapa.localstack import LocalPostgres, LocalTansu, ensure_database


def _event(n: int) -> Envelope:
    changed = ComplaintStatusChanged(
        ticket=f"BENCH-{n}", source_app="bench", source_ref=str(n), status="verified", changed_at=datetime.now(UTC)
    )
    return Envelope(changed, source="/apps/bench", subject=f"BENCH-{n}")


@dataclass(frozen=True)
class Run:
    rows: int
    published: int  # outbox rows marked published at the end
    stage_s: float
    relay_s: float

    def report(self) -> str:
        return (f"rows={self.rows} stage={self.stage_s:.2f}s ({self.rows / self.stage_s:,.0f} rows/s, Outbox.add_many) "
                f"relay={self.relay_s:.2f}s ({self.rows / self.relay_s:,.0f} rows/s to the broker, acknowledged and "
                "marked)")


async def measure_on(bootstrap: str, database_url: str, rows: int) -> Run:
    """Stage `rows` events in one transaction of an empty database and time the relay to the broker."""
    settings = ServiceSettings(KAFKA_BOOTSTRAP_SERVERS=bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu")
    runtime = Runtime(settings, "bench", MetaData(schema="bench"))
    await runtime.start(ALL_TOPICS)
    try:
        table = runtime.outbox.table
        started = time.perf_counter()
        async with runtime.sessions() as s, s.begin():
            await runtime.outbox.add_many(s, (_event(n) for n in range(rows)))
        staged = time.perf_counter()
        runtime.outbox.wake()
        pending = select(func.count()).select_from(table).where(table.c.published_at.is_(None))
        while True:
            async with runtime.sessions() as s:
                if await s.scalar(pending) == 0:
                    break
            await asyncio.sleep(0.01)
        done = time.perf_counter()
        async with runtime.sessions() as s:
            published = await s.scalar(select(func.count()).select_from(table).where(table.c.published_at.isnot(None)))
    finally:
        await runtime.stop()
    return Run(rows, published, staged - started, done - staged)


async def measure(rows: int) -> Run:
    """The benchmark on its own Tansu and embedded PostgreSQL."""
    folder = Path(tempfile.mkdtemp(prefix="palapa-bench-outbox-"))
    os.chmod(folder, 0o755)
    try:
        with LocalPostgres(folder / "pg", durable=False) as pg, LocalTansu() as tansu:
            return await measure_on(tansu.bootstrap, await ensure_database(pg.url(), "bench"), rows)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="palapa bench outbox", description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    print(asyncio.run(measure(parser.parse_args(argv).rows)).report())
