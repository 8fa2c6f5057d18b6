"""Emergency latency: an IncidentReported record on Kafka until the citizen's SSE stream shows the incident.

`./palapa bench incident-sse --incidents 200 [--backlog 5000]` starts Tansu, embedded PostgreSQL, tracking-svc
and notify-svc (each its own process) on free ports, opens one SSE stream per incident ticket on
notify-svc, then produces IncidentReported records one at a time on palapa.emergency.incidents.v1 (as
bridge-psc119's outbox relay would), each after the previous one arrived and a random pause, and times each from
the produce call to the SSE frame (latency, not a queue: a machine too busy to keep up would show its backlog).
It also times the first hop: the record until tracking-svc's TicketUpdated is on Kafka. `--backlog N` first produces
N Si Makel requests at once, so the incidents run while tracking-svc works through them.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from datetime import UTC, datetime

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from palapa.contracts.envelope import Envelope, from_kafka
from palapa.contracts.events import IncidentReported, ServiceRequestSubmitted
from palapa.contracts.topics import EMERGENCY_INCIDENTS, SERVICE_REQUESTS, TICKET_UPDATES
from palapa.devstack import Stack
from palapa.kit.signing import SIGNATURE_HEADER, Signer
from palapa.testkit.sse import events
from palapa.tools.scratch import bench_stack, staff_token


def _incident(n: int) -> Envelope:
    ticket = f"PSC119-{n}"
    event = IncidentReported(ticket=ticket, source_app="psc-119", source_ref=str(n), kind="kecelakaan lalu lintas",
                             kelurahan="Kranggan", kecamatan="Prajurit Kulon", reported_at=datetime.now(UTC))
    return Envelope(event, source="/apps/psc-119", subject=ticket)


def _request(n: int) -> Envelope:
    ticket = f"SIMAKEL-{n}"
    event = ServiceRequestSubmitted(ticket=ticket, source_app="si-makel", source_ref=str(n), letter_type="SKD",
                                    letter_label="Surat Keterangan Domisili", kelurahan="Magersari",
                                    submitted_at=datetime.now(UTC))
    return Envelope(event, source="/apps/si-makel", subject=ticket)


async def _send(producer: AIOKafkaProducer, signer: Signer, topic: str, envelope: Envelope, wait: bool = True):
    key, value, headers = envelope.to_kafka()
    headers[SIGNATURE_HEADER] = signer.sign(key, value, headers)  # signed, as a bridge sends (the stack's tool key)
    pairs = [(k, v.encode()) for k, v in headers.items()]
    if wait:
        return await producer.send_and_wait(topic, value, key=key, headers=pairs)
    return await producer.send(topic, value, key=key, headers=pairs)


async def _follow(http: httpx.AsyncClient, url: str, ticket: str, arrivals: dict[str, float]) -> None:
    async for _ in events(http, url):
        arrivals.setdefault(ticket, time.perf_counter())


async def _watch_updates(bootstrap: str, seen: dict[str, float]) -> None:
    """When each incident's TicketUpdated reached Kafka (read with a 1 ms fetch wait: Tansu answers at the wait)."""
    consumer = AIOKafkaConsumer(TICKET_UPDATES.name, bootstrap_servers=bootstrap, auto_offset_reset="latest",
                                fetch_max_wait_ms=1)
    await consumer.start()
    try:
        async for record in consumer:
            envelope = from_kafka(record.key, record.value, record.headers)
            seen.setdefault(envelope.data.ticket, time.perf_counter())
    finally:
        await consumer.stop()


async def measure(stack: Stack, incidents: int, backlog: int) -> tuple[list[float], list[float]]:
    notify = stack.running["notify-svc"].url
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka, enable_idempotence=False, acks="all", linger_ms=0)
    signer = stack.tool_signer
    await producer.start()
    arrivals: dict[str, float] = {}
    on_kafka: dict[str, float] = {}
    watcher = asyncio.create_task(_watch_updates(stack.kafka, on_kafka))
    desk = {"Authorization": f"Bearer {await staff_token(stack, 'desk')}"}  # an incident opens nothing by its number
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=None), headers=desk) as http:
        tickets = [f"PSC119-{n}" for n in range(incidents + 1)]
        followers = [asyncio.create_task(_follow(http, f"{notify}/tickets/{t}/events", t, arrivals)) for t in tickets]
        # a first incident, not timed: the services' consumer groups have joined once it is on its stream
        await _send(producer, signer, EMERGENCY_INCIDENTS.name, _incident(0))
        deadline = time.perf_counter() + 60
        while tickets[0] not in arrivals and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        tickets = tickets[1:]
        if backlog:
            await asyncio.gather(*[await _send(producer, signer, SERVICE_REQUESTS.name, _request(n), wait=False)
                                   for n in range(backlog)])
        rng = random.Random(11)
        started: dict[str, float] = {}
        for n, ticket in enumerate(tickets, start=1):
            await asyncio.sleep(rng.uniform(0, 0.1))  # random moments, not in step with any poll
            started[ticket] = time.perf_counter()
            await _send(producer, signer, EMERGENCY_INCIDENTS.name, _incident(n))
            deadline = time.perf_counter() + 30
            while ticket not in arrivals and time.perf_counter() < deadline:
                await asyncio.sleep(0.001)
        for task in (*followers, watcher):
            task.cancel()
        await asyncio.gather(*followers, watcher, return_exceptions=True)
    await producer.stop()
    missing = [t for t in tickets if t not in arrivals]
    if missing:
        raise TimeoutError(f"{len(missing)} incidents never reached their SSE stream, e.g. {missing[:3]}")
    total = [arrivals[t] - started[t] for t in tickets]
    first_hop = [on_kafka[t] - started[t] for t in tickets if t in on_kafka]
    return total, first_hop


def report(name: str, latencies: list[float]) -> str:
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return (f"{name}: n={len(ms)} p50={q[49]:.1f}ms p90={q[89]:.1f}ms p99={q[98]:.1f}ms "
            f"mean={statistics.fmean(ms):.1f}ms max={ms[-1]:.1f}ms")


async def run(args: argparse.Namespace) -> None:
    async with bench_stack("palapa-bench-incident-", only=("tracking-svc", "notify-svc")) as stack:
        print(f"measuring {args.incidents} incidents (backlog of {args.backlog} requests)…", flush=True)
        total, first_hop = await measure(stack, args.incidents, args.backlog)
        print(report("IncidentReported on Kafka → SSE frame", total))
        print(report("IncidentReported on Kafka → TicketUpdated on Kafka", first_hop))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="palapa bench incident-sse", description=__doc__)
    parser.add_argument("--incidents", type=int, default=200)
    parser.add_argument("--backlog", type=int, default=0,
                        help="Si Makel requests produced at once before the incidents")
    asyncio.run(run(parser.parse_args(argv)))
