"""Open streams: N SSE streams held open on ONE notify-svc process, and the time from an update on Kafka to its frame.

`./palapa bench sse --streams 10000 [--updates 200]` starts Tansu, embedded PostgreSQL and notify-svc (its own
process) on free ports, stores a first revision of N Si Makel letter requests (TicketUpdated), opens one stream per
ticket as the complaints desk (staff may follow any case; a letter has no capability) and waits for each stream's
replayed first revision, so every stream is live. It then produces further revisions one at a time on
palapa.tickets.updates.v1 (as tracking-svc's relay would), each after the previous one arrived and a random pause, and
times each from the produce call to the SSE frame. RSS per stream is notify-svc's resident memory with the streams
open, less before they opened, over N. The bench process raises its open-file limit to the hard limit (notify-svc,
its child, inherits it): each stream is a socket on both sides.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import resource
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from aiokafka import AIOKafkaProducer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import REQUEST_STATUS_LABELS, RequestStatus, TicketKind, TicketStep, TicketUpdated
from palapa.contracts.topics import topic_for
from palapa.devstack import Stack
from palapa.kit.signing import SIGNATURE_HEADER, Signer
from palapa.testkit.sse import open_stream
from palapa.tools.scratch import bench_stack, staff_token

T0 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
STEPS = (RequestStatus.SUBMITTED, RequestStatus.VERIFIED)  # alternate: every revision is a real change
STREAMS_PER_CLIENT = 250


def letter(n: int, revision: int, prefix: str = "SIMAKEL-B") -> Envelope:
    """Revision `revision` of Si Makel request `n`'s view, as tracking-svc publishes it."""
    ticket = f"{prefix}{n}"
    status = STEPS[(revision - 1) % 2]
    at = T0 + timedelta(minutes=revision)
    event = TicketUpdated(ticket=ticket, revision=revision, kind=TicketKind.SERVICE_REQUEST,
                          title="Surat Keterangan Domisili", status=status.value,
                          status_label=REQUEST_STATUS_LABELS[status], place="Kelurahan Magersari",
                          source_app="si-makel", opened_at=T0, updated_at=at,
                          timeline=(TicketStep(status=status.value, label=REQUEST_STATUS_LABELS[status], at=at),))
    return Envelope(event, source="/services/tracking-svc", subject=ticket)


def raise_open_files() -> tuple[int, int]:
    """Lift this process's soft limit on open files to its hard limit (children inherit it); returns (soft, hard)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def rss_kib(pid: int) -> int:
    """Resident memory of a process, in KiB (Linux /proc)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


@dataclass
class Run:
    streams: int
    latencies: list[float] = field(default_factory=list)
    rss_before_kib: int = 0
    rss_open_kib: int = 0
    open_seconds: float = 0.0
    failed: int = 0  # streams that could not open or ended early
    reasons: Counter = field(default_factory=Counter)  # why they failed
    opened: int = 0  # streams that got their first revision

    def report(self) -> str:
        ms = sorted(x * 1000 for x in self.latencies)
        q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else [ms[0]] * 99
        per_stream = (self.rss_open_kib - self.rss_before_kib) / self.streams
        why = f" ({', '.join(f'{k}: {v}' for k, v in self.reasons.most_common())})" if self.reasons else ""
        return (f"streams={self.streams} open in {self.open_seconds:.1f}s failed={self.failed}{why}\n"
                f"update on Kafka → SSE frame: n={len(ms)} p50={q[49]:.1f}ms p90={q[89]:.1f}ms p99={q[98]:.1f}ms "
                f"max={ms[-1]:.1f}ms\n"
                f"notify-svc RSS {self.rss_before_kib / 1024:.0f} MiB → {self.rss_open_kib / 1024:.0f} MiB with the "
                f"streams open: {per_stream:.1f} KiB per stream")


async def send_update(producer: AIOKafkaProducer, signer: Signer, envelope: Envelope, wait: bool = True):
    key, value, headers = envelope.to_kafka()
    # signed by the stack's tool key, as a producer of the platform would (notify-svc verifies before storing)
    headers = {**headers, SIGNATURE_HEADER: signer.sign(key, value, headers)}
    pairs = [(k, v.encode()) for k, v in headers.items()]
    topic = topic_for(envelope.data).name  # palapa.tickets.updates.v1 (citizens.py: also palapa.citizen.cases.v1)
    if wait:
        return await producer.send_and_wait(topic, value, key=key, headers=pairs)
    return await producer.send(topic, value, key=key, headers=pairs)


async def _hold(http: httpx.AsyncClient, url: str, gate: asyncio.Semaphore,
                arrivals: dict[tuple[str, int], float], run: Run, ticket: str | None = None,
                headers: dict[str, str] | None = None) -> None:
    """One stream: opened while holding `gate` (a burst of connects would overflow the listen backlog), live once
    its replayed first revision arrived; then every frame's arrival time is kept, by (`ticket`, the frame's id)."""
    ticket = ticket or url.rsplit("/", 2)[-2]
    await gate.acquire()
    held = True
    try:
        async with open_stream(http, url, headers=headers) as stream:
            first = await stream.next_event(timeout=120)
            arrivals[(ticket, int(first.id))] = time.perf_counter()
            run.opened += 1
            gate.release()
            held = False
            async for event in stream:
                arrivals[(ticket, int(event.id))] = time.perf_counter()
        run.failed += 1  # the server ended a stream that should have stayed open
        run.reasons["ended by the server"] += 1
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a refused connect or a broken stream: counted, not fatal to the others
        run.failed += 1
        run.reasons[f"{type(exc).__name__}{' before its first frame' if held else ''}"] += 1
    finally:
        if held:
            gate.release()


async def _until(check, timeout_s: float, what: str) -> None:
    deadline = time.perf_counter() + timeout_s
    while not check():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"waited {timeout_s:.0f}s for {what}")
        await asyncio.sleep(0.005)


async def measure(stack: Stack, streams: int, updates: int, concurrency: int = 200) -> Run:
    notify = stack.running["notify-svc"]
    run = Run(streams)
    signer = stack.tool_signer
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka, enable_idempotence=False, acks="all", linger_ms=5)
    await producer.start()
    arrivals: dict[tuple[str, int], float] = {}
    desk = {"Authorization": f"Bearer {await staff_token(stack, 'desk')}"}
    tickets = [f"SIMAKEL-B{n}" for n in range(streams)]
    try:
        await asyncio.gather(*[await send_update(producer, signer, letter(n, 1), wait=False) for n in range(streams)])
        print(f"  {streams} first revisions produced", flush=True)
        async with contextlib.AsyncExitStack() as clients:
            # one client per STREAMS_PER_CLIENT streams: a connection pool scans all its connections on every
            # request it starts or ends, so one client holding 10,000 streams spent minutes of CPU opening them (the
            # stall an earlier run saw at 10k), while 40 pools of 250 do not
            http = [await clients.enter_async_context(httpx.AsyncClient(
                limits=httpx.Limits(max_connections=None, max_keepalive_connections=0), headers=desk,
                timeout=httpx.Timeout(60, read=None))) for _ in range(-(-streams // STREAMS_PER_CLIENT))]
            # every first revision consumed before measuring memory: consuming is not the streams' cost
            await count_reaches(stack.database_url, "SELECT count(*) FROM notify.ticket_updates WHERE ticket LIKE "
                                "'SIMAKEL-B%'", streams, 60 + streams / 50, f"store {streams} first revisions")
            run.rss_before_kib = rss_kib(notify.proc.pid)
            print("  stored; opening the streams", flush=True)
            gate, started = asyncio.Semaphore(concurrency), time.perf_counter()
            holders = [asyncio.create_task(_hold(http[n % len(http)], f"{notify.url}/tickets/{t}/events", gate,
                                                 arrivals, run)) for n, t in enumerate(tickets)]
            await _until(lambda: run.opened + run.failed >= streams, 60 + streams / 20,
                         f"{streams} streams live")
            run.open_seconds = time.perf_counter() - started
            run.rss_open_kib = rss_kib(notify.proc.pid)
            print(f"  {streams - run.failed} streams live after {run.open_seconds:.1f}s", flush=True)
            if not run.opened:
                raise RuntimeError(f"no stream opened ({run.failed} failed)")
            await timed_updates(producer, signer, holders, tickets, arrivals, run, updates, random.Random(19), letter,
                                "its SSE stream")
    finally:
        await producer.stop()
    return run


async def timed_updates(producer: AIOKafkaProducer, signer: Signer, holders: list[asyncio.Task], tickets: list[str],
                        arrivals: dict[tuple[str, int], float], run: Run, updates: int, rng: random.Random,
                        event_of, where: str) -> None:
    """`updates` changes at random moments, each to a live stream's case (`event_of(n, revision)`), each timed from
    its send to its frame on the stream (into `run.latencies`); then the streams are closed."""
    revision = dict.fromkeys(range(len(tickets)), 1)
    for _ in range(updates):
        await asyncio.sleep(rng.uniform(0, 0.05))  # random moments, in step with no poll
        n = rng.randrange(len(tickets))
        while holders[n].done():  # a stream that failed (counted) gets no update
            n = rng.randrange(len(tickets))
        revision[n] += 1
        key = (tickets[n], revision[n])
        start = time.perf_counter()
        await send_update(producer, signer, event_of(n, revision[n]))
        await _until(lambda key=key: key in arrivals, 30, f"{key} on {where}")
        run.latencies.append(arrivals[key] - start)
    for h in holders:
        h.cancel()
    await asyncio.gather(*holders, return_exceptions=True)


async def count_reaches(database_url: str, query: str, n: int, timeout_s: float, what: str) -> None:
    """Wait until `query` (a count) reaches `n` in notify-svc's database; TimeoutError naming `what` after
    `timeout_s`."""
    engine = create_async_engine(database_url)
    deadline = time.perf_counter() + timeout_s
    try:
        while True:
            async with engine.connect() as conn:
                if await conn.scalar(text(query)) >= n:
                    return
            if time.perf_counter() > deadline:
                raise TimeoutError(f"notify-svc did not {what} in {timeout_s:.0f}s")
            await asyncio.sleep(0.2)
    finally:
        await engine.dispose()


async def main_async(args: argparse.Namespace) -> None:
    soft, hard = raise_open_files()
    print(f"open files: soft {soft}, hard {hard} (raised to the hard limit; notify-svc inherits it)", flush=True)
    if args.streams + 1000 > soft:  # each side (this process, notify-svc) holds one socket per stream
        print(f"warning: {args.streams} streams need about {args.streams + 1000} open files on each side", flush=True)
    async with bench_stack("palapa-bench-sse-", only=("notify-svc",)) as stack:
        print(f"opening {args.streams} streams on one notify-svc, then {args.updates} updates…", flush=True)
        print((await measure(stack, args.streams, args.updates, args.concurrency)).report())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="palapa bench sse", description=__doc__)
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=200, help="streams connecting at once")
    args = parser.parse_args(argv)
    if args.streams < 1 or args.updates < 2:
        parser.error("--streams must be ≥ 1 and --updates ≥ 2")
    asyncio.run(main_async(args))
