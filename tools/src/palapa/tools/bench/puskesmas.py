"""YAML-bridge lag: a queue number called in the puskesmas app until its QueueTicketCalled is on Kafka.

`./palapa bench puskesmas --calls 200` starts Tansu, PostgreSQL and bridge-mapped on free ports, makes the queue
app's table (its installer's DDL, recorded here: nothing imports the simulator), registers patients, then
calls them one at a time at random moments and times each from the UPDATE's commit to the record's arrival
at a consumer of palapa.health.queues.v1. bridge-mapped polls as deploy/bridges/puskesmas-antrian.yaml says
(every 0.5 s): most of the lag is the wait for the next poll.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import datetime

from aiokafka import AIOKafkaConsumer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from palapa.contracts.topics import HEALTH_QUEUES
from palapa.devstack import Stack
from palapa.kit.clock import zone
from palapa.kit.kafka import CONSUMER_TUNING
from palapa.tools.scratch import bench_stack

from .psc import report

WIB = zone("Asia/Jakarta")
DDL = """CREATE TABLE IF NOT EXISTS antrian_pasien (
    id_antrian SERIAL PRIMARY KEY, kd_puskesmas VARCHAR(10) NOT NULL, no_antrian VARCHAR(10) NOT NULL,
    kd_poli VARCHAR(10) NULL, loket VARCHAR(10) NULL, nama_pasien VARCHAR(100) NULL, no_rm VARCHAR(20) NULL,
    nik VARCHAR(20) NULL, status_antrian VARCHAR(10) NOT NULL, jam_panggil VARCHAR(20) NULL,
    tgl_update TIMESTAMP(0) NOT NULL)"""


def wib_now() -> datetime:
    return datetime.now(WIB).replace(tzinfo=None, microsecond=0)


async def _consume(consumer: AIOKafkaConsumer, arrivals: dict[str, float]) -> None:
    async for record in consumer:
        arrivals[record.key.decode()] = time.perf_counter()


async def measure(stack: Stack, calls: int) -> list[float]:
    legacy = create_async_engine(stack.app_databases["puskesmas"])
    tuning = CONSUMER_TUNING["kafka" if stack.settings.kafka_bootstrap_servers else "tansu"]
    consumer = AIOKafkaConsumer(HEALTH_QUEUES.name, bootstrap_servers=stack.kafka, auto_offset_reset="latest",
                                enable_auto_commit=False, **tuning)
    await consumer.start()
    await consumer.seek_to_end()
    arrivals: dict[str, float] = {}
    reader = asyncio.create_task(_consume(consumer, arrivals))
    rng, latencies = random.Random(121), []
    try:
        async with legacy.begin() as conn:
            await conn.execute(text(DDL))
            ids = [await conn.scalar(text(
                "INSERT INTO antrian_pasien (kd_puskesmas, no_antrian, kd_poli, status_antrian, tgl_update) "
                "VALUES ('GDG', :n, 'UMUM', '0', :t) RETURNING id_antrian"), {"n": f"A-{i:03d}", "t": wib_now()})
                for i in range(calls + 3)]
        for n, id_antrian in enumerate(ids):  # the first three warm the path up
            await asyncio.sleep(rng.uniform(0, 0.6))  # not in step with the bridge's poll
            now = wib_now()
            async with legacy.begin() as conn:
                await conn.execute(text("UPDATE antrian_pasien SET status_antrian = '1', loket = '1', "
                                        "jam_panggil = :j, tgl_update = :t WHERE id_antrian = :id"),
                                   {"j": now.strftime("%d/%m/%Y %H:%M:%S"), "t": now, "id": id_antrian})
            start, key = time.perf_counter(), f"PKM-{id_antrian}"
            while key not in arrivals:
                if time.perf_counter() > start + 30:
                    raise TimeoutError(f"{key} not on {HEALTH_QUEUES.name} within 30 s")
                await asyncio.sleep(0.0005)
            if n >= 3:
                latencies.append(arrivals[key] - start)
    finally:
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)
        await consumer.stop()
        await legacy.dispose()
    return latencies


async def run(args: argparse.Namespace) -> None:
    async with bench_stack("palapa-bench-puskesmas-", only=("bridge-mapped",)) as stack:
        print(f"calling {args.calls} queue numbers in the puskesmas table…", flush=True)
        print(report("queue call committed → QueueTicketCalled on Kafka", await measure(stack, args.calls)))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="palapa bench puskesmas", description=__doc__)
    parser.add_argument("--calls", type=int, default=200)
    asyncio.run(run(parser.parse_args(argv)))
