"""PSC 119 webhook benchmark: from a signed webhook sent to bridge-psc119 until its event is on Kafka.

`./palapa bench psc-webhook --webhooks 300` starts Tansu, PostgreSQL and bridge-psc119 on free ports, then posts
signed webhooks one at a time at random moments (each a new incident or its next step, as the legacy app
pushes them) and times each from just before the POST to the record's arrival at a consumer of
palapa.emergency.incidents.v1 (tuned as the platform's consumers are: fetch_max_wait_ms 10 on Tansu).
It also prints the webhook's own answer time (the ingest transaction) to tell it from the relay's share.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from datetime import datetime

import httpx
from aiokafka import AIOKafkaConsumer

from palapa.bridgekit.webhook import sign
from palapa.contracts.topics import EMERGENCY_INCIDENTS
from palapa.devstack import Stack
from palapa.kit.clock import zone
from palapa.kit.kafka import CONSUMER_TUNING
from palapa.tools.scratch import bench_stack

WEBHOOK_PATH = "/webhooks/psc119"
WIB = zone("Asia/Jakarta")
STEPS = (("1", None), ("2", "waktu_berangkat"), ("4", "waktu_serah_terima"), ("S", "waktu_selesai"))


def incident(id_insiden: int, code: str, stamp: str, field: str | None) -> dict:
    item = {"id_insiden": id_insiden, "kode_status": code, "jenis_kejadian": "KLL", "nama_penelepon": "Budi Santoso",
            "telp_penelepon": "081234567890", "kelurahan": "Magersari", "kecamatan": "Magersari",
            "unit_ambulans": "AMB-03" if code != "1" else "-", "faskes_tujuan": "RSUD Dr. Wahidin Sudiro Husodo",
            "waktu_lapor": stamp, "diperbarui": stamp}
    return item | ({field: stamp} if field else {})


async def _consume(consumer: AIOKafkaConsumer, arrivals: dict[tuple[str, str], float]) -> None:
    async for record in consumer:
        ce_type = dict(record.headers).get("ce_type", b"").decode()
        arrivals[(record.key.decode(), ce_type)] = time.perf_counter()


async def measure(stack: Stack, webhooks: int) -> tuple[list[float], list[float]]:
    bridge = stack.running["bridge-psc119"].url + WEBHOOK_PATH
    tuning = CONSUMER_TUNING["tansu" if not stack.settings.kafka_bootstrap_servers else "kafka"]
    consumer = AIOKafkaConsumer(EMERGENCY_INCIDENTS.name, bootstrap_servers=stack.kafka, auto_offset_reset="latest",
                                enable_auto_commit=False, **tuning)
    await consumer.start()
    await consumer.seek_to_end()
    arrivals: dict[tuple[str, str], float] = {}
    reader = asyncio.create_task(_consume(consumer, arrivals))
    types = ["palapa.emergency.incident_reported.v1", "palapa.emergency.ambulance_dispatched.v1",
             "palapa.emergency.patient_handed_over.v1", "palapa.emergency.incident_closed.v1"]
    rng, base = random.Random(119), int(time.time())
    latencies, answers = [], []
    secret = stack.secret.encode()
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            for n in range(webhooks + 4):  # the first four warm the path up (connections, caches)
                id_insiden, step = base + n // 4, n % 4
                code, field = STEPS[step]
                stamp = datetime.now(WIB).strftime("%Y-%m-%d %H:%M:%S")
                data = incident(id_insiden, code, stamp, field)
                body = json.dumps({"jenis": "insiden.berubah", "data": data}).encode()
                await asyncio.sleep(rng.uniform(0, 0.05))  # not in step with anything the bridge does
                ts = str(int(time.time()))
                start = time.perf_counter()
                answer = await http.post(bridge, content=body, headers={
                    "X-PSC119-Timestamp": ts, "X-PSC119-Signature": sign(secret, ts, body),
                    "Content-Type": "application/json"})
                answered = time.perf_counter()
                if answer.status_code != 200 or answer.json()["events"] != 1:
                    raise RuntimeError(f"webhook {n}: {answer.status_code} {answer.text}")
                key = (f"PSC119-{id_insiden}", types[step])
                deadline = start + 30
                while key not in arrivals:
                    if time.perf_counter() > deadline:
                        raise TimeoutError(f"{key} not on {EMERGENCY_INCIDENTS.name} within 30 s")
                    await asyncio.sleep(0.0005)
                if n >= 4:
                    latencies.append(arrivals[key] - start)
                    answers.append(answered - start)
    finally:
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)
        await consumer.stop()
    return latencies, answers


def report(what: str, values: list[float]) -> str:
    ms = sorted(x * 1000 for x in values)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return (f"{what}: n={len(ms)} p50={q[49]:.1f}ms p90={q[89]:.1f}ms p99={q[98]:.1f}ms "
            f"mean={statistics.fmean(ms):.1f}ms min={ms[0]:.1f}ms max={ms[-1]:.1f}ms")


async def run(args: argparse.Namespace) -> None:
    async with bench_stack("palapa-bench-psc-", only=("bridge-psc119",)) as stack:
        print(f"posting {args.webhooks} signed PSC 119 webhooks…", flush=True)
        latencies, answers = await measure(stack, args.webhooks)
        print(report("webhook → event on Kafka", latencies))
        print(report("webhook answered (ingest committed)", answers))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="palapa bench psc-webhook", description=__doc__)
    parser.add_argument("--webhooks", type=int, default=300)
    asyncio.run(run(parser.parse_args(argv)))
