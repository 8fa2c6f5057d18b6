"""Throughput benchmark: N legacy complaints written at once, until every one reached notify-svc.

`./palapa bench throughput --rows 50000` starts the platform on free ports (Tansu, embedded PostgreSQL,
every service as its own process, no simulator), measures the broker's raw produce and consume rates in
the same run, then inserts N rows into the legacy Curhat Ning Ita table (in transactions of `--chunk`
rows, as fast as the database takes them) and follows each stage by counting what it has stored:
the bridge (row states), complaint-svc (cases) and notify-svc (ticket updates). Prints the end-to-end
rate and each stage's own rate (from its first to its last record).
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from palapa.curhat_legacy.schema import tb_pengaduan
from palapa.curhat_legacy.writer import wib_now
from palapa.devstack import Stack
from palapa.tools.bench import signing
from palapa.tools.scratch import bench_stack

STAGES = {  # stage -> the count query of what it has stored (of Curhat Ning Ita: a stack may carry other apps')
    "bridge-curhat": "SELECT count(*) FROM bridge_curhat.row_state",
    "complaint-svc": "SELECT count(*) FROM complaint.cases WHERE ticket LIKE 'CURHAT-%'",
    "notify-svc": "SELECT count(*) FROM notify.ticket_updates WHERE ticket LIKE 'CURHAT-%'",
}


@dataclass
class Progress:
    first: float | None = None
    last: float | None = None
    count: int = 0
    samples: list[tuple[float, int]] = field(default_factory=list)


async def broker_rates(bootstrap: str, n: int = 50_000, size: int = 1024) -> tuple[float, float]:
    """(produced/s, consumed/s) of raw 1 KB records on a scratch topic of this broker."""
    topic = f"bench.raw.{uuid.uuid4().hex[:8]}"
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5, max_batch_size=256 * 1024)
    await producer.start()
    value = b"x" * size
    try:
        start = time.perf_counter()
        futures = [await producer.send(topic, value, key=str(i % 64).encode()) for i in range(n)]
        await asyncio.gather(*futures)
        produced = n / (time.perf_counter() - start)
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None,
                                fetch_max_wait_ms=10, max_partition_fetch_bytes=4 * 1024 * 1024)
    await consumer.start()
    try:
        start, seen = time.perf_counter(), 0
        while seen < n:
            batch = await consumer.getmany(timeout_ms=1000, max_records=10_000)
            seen += sum(len(v) for v in batch.values())
        consumed = n / (time.perf_counter() - start)
    finally:
        await consumer.stop()
    return produced, consumed


async def insert_rows(legacy: AsyncEngine, rows: int, chunk: int) -> float:
    """Insert `rows` complaints in transactions of `chunk`; returns when the last one committed."""
    done = 0
    while done < rows:
        n = min(chunk, rows - done)
        now = wib_now()
        values = [
            {"nik": None, "nama_pelapor": "Warga", "no_hp": None, "isi_laporan": f"Bench {done + i}: lampu jalan mati",
             "kategori": "PJU", "lokasi": "Jl. Majapahit", "status": "0",
             "tgl_lapor": now.strftime("%Y-%m-%d %H:%M:%S"), "tgl_update": now}
            for i in range(n)
        ]
        async with legacy.begin() as conn:
            await conn.execute(tb_pengaduan.insert(), values)
        done += n
    return time.perf_counter()


async def stored(platform: AsyncEngine) -> dict[str, int]:
    """What each stage has stored now (counted before a run: a stack that already ran something is not empty)."""
    async with platform.connect() as conn:
        return {name: await conn.scalar(text(query)) for name, query in STAGES.items()}


async def follow(platform: AsyncEngine, rows: int, timeout_s: float, before: dict[str, int]) -> dict[str, Progress]:
    """Count each stage's newly stored records until the last stage has all `rows`."""
    progress = {name: Progress() for name in STAGES}
    deadline = time.perf_counter() + timeout_s
    async with platform.connect() as conn:
        while time.perf_counter() < deadline:
            now = time.perf_counter()
            for name, query in STAGES.items():
                p = progress[name]
                count = await conn.scalar(text(query)) - before[name]
                if count and p.first is None:
                    p.first = now
                if count > p.count:
                    p.count, p.last = count, now
                    p.samples.append((now, count))
            if progress["notify-svc"].count >= rows:
                return progress
            await asyncio.sleep(0.05)
    raise TimeoutError(f"after {timeout_s}s: " + ", ".join(f"{k}={v.count}" for k, v in progress.items()))


def report(
    rows: int, started: float, inserted: float, progress: dict[str, Progress], broker: tuple[float, float]
) -> str:
    end = progress["notify-svc"].last
    lines = [
        f"rows={rows} inserted in {inserted - started:.2f}s "
        f"({rows / (inserted - started):,.0f} rows/s into the legacy table)",
        f"end to end: {rows / (end - started):,.0f} complaints/s ({end - started:.2f}s from the first insert to the "
        f"last notify-svc update)",
    ]
    for name, p in progress.items():
        span = (p.last - p.first) if p.first and p.last and p.last > p.first else float("nan")
        lines.append(f"  {name:<14} {p.count:>7} stored, first after {p.first - started:6.2f}s, last after "
                     f"{p.last - started:6.2f}s: {p.count / span:,.0f}/s while it ran")
    lines.append(f"  broker (raw)   produce {broker[0]:,.0f} msg/s, consume {broker[1]:,.0f} msg/s (1 KB records)")
    return "\n".join(lines)


@dataclass(frozen=True)
class Run:
    rows: int
    started: float
    inserted: float
    progress: dict[str, Progress]
    broker: tuple[float, float]
    stored: dict[str, int]  # what each stage stored of this run, counted once the last stage had it all

    def report(self) -> str:
        return report(self.rows, self.started, self.inserted, self.progress, self.broker)


async def measure(stack: Stack, rows: int, chunk: int, timeout_s: float, broker_records: int) -> Run:
    """The broker's raw rates, then `rows` legacy complaints followed through every stage of a started stack."""
    broker = await broker_rates(stack.kafka, broker_records)
    legacy = create_async_engine(stack.legacy_database_url)
    platform = create_async_engine(stack.database_url)
    try:
        before = await stored(platform)
        started = time.perf_counter()
        follower = asyncio.create_task(follow(platform, rows, timeout_s, before))
        inserted = await insert_rows(legacy, rows, chunk)
        progress = await follower
        after = await stored(platform)
        return Run(rows, started, inserted, progress, broker, {name: after[name] - before[name] for name in STAGES})
    finally:
        await legacy.dispose()
        await platform.dispose()


async def run(args: argparse.Namespace) -> None:
    sign_us, verify_us = signing.per_event_us()
    async with bench_stack(signed=not args.unsigned) as stack:
        print(f"measuring the broker's raw rates, then inserting {args.rows} legacy complaints…", flush=True)
        print((await measure(stack, args.rows, args.chunk, args.timeout, args.broker_records)).report())
    # every event is signed once (the relay) and verified by each consumer before its effect
    print(f"events {'UNSIGNED (--unsigned: nothing signed or verified)' if args.unsigned else 'signed and verified'};"
          f" one event costs {sign_us:.0f} µs to sign and {verify_us:.0f} µs to verify on one core of this host")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="palapa bench throughput", description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--chunk", type=int, default=1000, help="legacy rows per insert transaction")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--broker-records", type=int, default=50_000, help="1 KB records of the broker's raw rates")
    parser.add_argument("--unsigned", action="store_true",
                        help="no event signed or verified, to compare with a signed run (development only)")
    asyncio.run(run(parser.parse_args(argv)))
