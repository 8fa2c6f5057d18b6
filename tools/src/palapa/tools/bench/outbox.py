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


async def measure(rows: int) -> str:
    folder = Path(tempfile.mkdtemp(prefix="palapa-bench-outbox-"))
    os.chmod(folder, 0o755)
    try:
        with LocalPostgres(folder / "pg", durable=False) as pg, LocalTansu() as tansu:
            url = await ensure_database(pg.url(), "bench")
            settings = ServiceSettings(KAFKA_BOOTSTRAP_SERVERS=tansu.bootstrap, DATABASE_URL=url, KAFKA_PROFILE="tansu")
            runtime = Runtime(settings, "bench", MetaData(schema="bench"))
            await runtime.start(ALL_TOPICS)
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
            await runtime.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    stage_s, relay_s = staged - started, done - staged
    return (
        f"rows={rows} stage={stage_s:.2f}s ({rows / stage_s:,.0f} rows/s, Outbox.add_many) "
        f"relay={relay_s:.2f}s ({rows / relay_s:,.0f} rows/s to the broker, acknowledged and marked)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="palapa bench outbox", description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    print(asyncio.run(measure(parser.parse_args(argv).rows)))
