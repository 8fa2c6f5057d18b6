"""Citizens' streams: N signed-in citizens each on their one stream (GET /citizen/events) on ONE notify-svc, and the
time from a change of one of their cases on Kafka to its frame on that citizen's stream.

`./palapa bench citizen-sse --citizens 1000 [--updates 200]` starts Tansu, embedded PostgreSQL and notify-svc (its own
process) on free ports, and plays the gate as the citizens' token issuer (palapa.testkit.citizens: notify-svc checks
each token against its JWKS, as against gate-svc's). Citizen n follows Si Makel letter request n (CaseFollowed, as
tracking-svc publishes it), whose first revision puts entry 1 on the citizen's feed; each citizen opens its stream
with its own token and waits for that entry (replayed), so every stream is live. Then revisions follow one at a time,
each after the previous arrived and a random pause, timed from the produce call to the frame on the owner's stream:
the path of a legacy change through notify-svc's inbox, the owner's feed (one sequence per account) and the hub.
Not through Caddy and gate-svc (their part, a session check per stream's opening, is not on this path).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import time
from datetime import UTC, datetime

import httpx
from aiokafka import AIOKafkaProducer

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import CaseFollowed, FollowedHow
from palapa.devstack import Stack
from palapa.testkit.citizens import CitizenIssuer
from palapa.tools.scratch import bench_stack

from .sse import (
    STREAMS_PER_CLIENT,
    Run,
    _hold,
    _until,
    count_reaches,
    letter,
    raise_open_files,
    rss_kib,
    send_update,
    timed_updates,
)

AT = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
PREFIX = "SIMAKEL-C"  # not the sse bench's tickets: both run on one platform in the short benchmarks


def account(n: int) -> str:
    return f"warga-bench-{n}"


def followed(n: int) -> Envelope:
    event = CaseFollowed(ticket=f"{PREFIX}{n}", account=account(n), how=FollowedHow.REQUESTED, at=AT)
    return Envelope(event, source="/services/tracking-svc", subject=event.ticket)


def notify_env(issuer: CitizenIssuer) -> dict[str, str]:
    """notify-svc trusting `issuer`'s tokens, its citizens' streams held for the whole run."""
    return {"CITIZEN_ISSUER": issuer.url, "NOTIFY_CITIZEN_STREAM_MAX_SECONDS": "3600"}


async def measure(stack: Stack, issuer: CitizenIssuer, citizens: int, updates: int, concurrency: int = 200) -> Run:
    notify = stack.running["notify-svc"]
    run, signer = Run(citizens), stack.tool_signer
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka, enable_idempotence=False, acks="all", linger_ms=5)
    await producer.start()
    arrivals: dict[tuple[str, int], float] = {}
    tickets = [f"{PREFIX}{n}" for n in range(citizens)]
    try:
        await asyncio.gather(*[await send_update(producer, signer, followed(n), wait=False) for n in range(citizens)])
        await asyncio.gather(*[await send_update(producer, signer, letter(n, 1, PREFIX), wait=False)
                               for n in range(citizens)])
        print(f"  {citizens} citizens follow a letter each; waiting for their first entries", flush=True)
        await count_reaches(stack.database_url, "SELECT count(*) FROM notify.citizen_feed WHERE account LIKE "
                            "'warga-bench-%'", citizens, 60 + citizens / 20, f"feed {citizens} citizens")
        async with contextlib.AsyncExitStack() as clients:
            http = [await clients.enter_async_context(httpx.AsyncClient(
                limits=httpx.Limits(max_connections=None, max_keepalive_connections=0),
                timeout=httpx.Timeout(60, read=None))) for _ in range(-(-citizens // STREAMS_PER_CLIENT))]
            run.rss_before_kib = rss_kib(notify.proc.pid)
            gate, started = asyncio.Semaphore(concurrency), time.perf_counter()
            holders = [asyncio.create_task(_hold(http[n % len(http)], f"{notify.url}/citizen/events", gate, arrivals,
                                                 run, ticket=t, headers=issuer.headers(account(n))))
                       for n, t in enumerate(tickets)]
            await _until(lambda: run.opened + run.failed >= citizens, 60 + citizens / 20, f"{citizens} streams live")
            run.open_seconds = time.perf_counter() - started
            run.rss_open_kib = rss_kib(notify.proc.pid)
            print(f"  {citizens - run.failed} citizens' streams live after {run.open_seconds:.1f}s", flush=True)
            if not run.opened:
                raise RuntimeError(f"no stream opened ({run.failed} failed: {dict(run.reasons)})")
            # one case per citizen: its feed's number is the revision
            await timed_updates(producer, signer, holders, tickets, arrivals, run, updates, random.Random(20),
                                lambda n, revision: letter(n, revision, PREFIX), "its citizen's stream")
    finally:
        await producer.stop()
    return run


async def main_async(args: argparse.Namespace) -> None:
    soft, hard = raise_open_files()
    print(f"open files: soft {soft}, hard {hard}", flush=True)
    issuer = CitizenIssuer()
    try:
        async with bench_stack("palapa-bench-citizen-sse-", only=("notify-svc",),
                               extra_env={"notify-svc": notify_env(issuer)}) as stack:
            print(f"{args.citizens} citizens' streams on one notify-svc, then {args.updates} updates…", flush=True)
            print((await measure(stack, issuer, args.citizens, args.updates, args.concurrency)).report())
    finally:
        issuer.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="palapa bench citizen-sse", description=__doc__)
    parser.add_argument("--citizens", type=int, default=1000)
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=200, help="streams connecting at once")
    args = parser.parse_args(argv)
    if args.citizens < 1 or args.updates < 2:
        parser.error("--citizens must be ≥ 1 and --updates ≥ 2")
    asyncio.run(main_async(args))
