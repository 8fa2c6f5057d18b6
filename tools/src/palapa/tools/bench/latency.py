"""Latency benchmark: a legacy status update in Curhat Ning Ita until the citizen's SSE stream shows it.

`./palapa bench latency --updates 200` starts the platform on free ports (Tansu, embedded PostgreSQL, every
service as its own process, no simulator), makes some tickets, opens one SSE stream per ticket, then
changes legacy statuses one at a time and times each from the legacy UPDATE's commit to the SSE event.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time

import httpx
from sqlalchemy.ext.asyncio import create_async_engine

from palapa.curhat_legacy import insert_complaint, set_status
from palapa.devstack import CURHAT_FLOW, Stack
from palapa.testkit.sse import events
from palapa.tools.scratch import bench_stack, staff_token

CODES = ("1", "2")  # alternate verified / in progress so every update is a real change


async def _follow(http: httpx.AsyncClient, url: str, arrivals: dict[tuple[str, int], float]) -> None:
    ticket = url.rsplit("/", 2)[-2]
    async for ev in events(http, url):
        arrivals[(ticket, int(ev.id))] = time.perf_counter()


async def measure(stack: Stack, tickets: int, updates: int) -> list[float]:
    legacy = create_async_engine(stack.legacy_database_url)
    notify = stack.running["notify-svc"].url
    arrivals: dict[tuple[str, int], float] = {}
    # a legacy ticket opens nothing by its number (issue 20): the complaints desk follows the streams
    desk = {"Authorization": f"Bearer {await staff_token(stack, 'desk')}"}
    async with httpx.AsyncClient(headers=desk) as http:
        ids = [
            await insert_complaint(legacy, isi_laporan=f"Benchmark {n}: lampu jalan mati", kategori="PJU", status="0")
            for n in range(tickets)
        ]
        names = [f"CURHAT-{i}" for i in ids]
        followers = [asyncio.create_task(_follow(http, f"{notify}/tickets/{t}/events", arrivals)) for t in names]
        moves = dict.fromkeys(names, 0)
        await _until(lambda: all((t, 1) in arrivals for t in names), 60, "every ticket's first SSE event")
        latencies = []
        rng = random.Random(7)
        for n in range(updates):
            # an update at a random moment, not in step with the bridge's poll (which a loop would lock onto)
            await asyncio.sleep(rng.uniform(0, 0.25))
            idx = n % tickets
            ticket = names[idx]
            # the newest revision seen before the update: the platform may add revisions of its own (a legacy move
            # back recorded as a correction, issue 17), so the update's frame is the next one, not revision + 1
            seen = max(r for t, r in arrivals if t == ticket)
            await set_status(legacy, ids[idx], CODES[moves[ticket] % 2])
            start = time.perf_counter()
            moves[ticket] += 1
            await _until(lambda ticket=ticket, seen=seen: _newer(arrivals, ticket, seen) is not None, 30,
                         f"{ticket} after revision {seen} on the SSE stream")
            latencies.append(_newer(arrivals, ticket, seen) - start)
        for task in followers:
            task.cancel()
        await asyncio.gather(*followers, return_exceptions=True)
    await legacy.dispose()
    return latencies


def _newer(arrivals: dict[tuple[str, int], float], ticket: str, seen: int) -> float | None:
    """When the first frame of `ticket` after revision `seen` arrived, None while none has."""
    return min((at for (t, r), at in arrivals.items() if t == ticket and r > seen), default=None)


async def _until(check, timeout_s: float, what: str) -> None:
    deadline = time.perf_counter() + timeout_s
    while not check():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"waited {timeout_s}s for {what}")
        await asyncio.sleep(0.001)


def report(latencies: list[float]) -> str:
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return (
        f"updates={len(ms)} p50={q[49]:.1f}ms p90={q[89]:.1f}ms p99={q[98]:.1f}ms "
        f"mean={statistics.fmean(ms):.1f}ms min={ms[0]:.1f}ms max={ms[-1]:.1f}ms"
    )


#: the Curhat flow without its simulator: sim-curhat moves legacy statuses of its own, on the bench's rows too
#: (a frame the bench did not cause was timed as its update's, some before the update: negative latencies)
PROCESSES = tuple(name for name in CURHAT_FLOW if name != "sim-curhat")


async def run(args: argparse.Namespace) -> None:
    async with bench_stack(only=PROCESSES) as stack:
        print(f"measuring {args.updates} legacy status updates over {args.tickets} tickets…", flush=True)
        print(report(await measure(stack, args.tickets, args.updates)))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="palapa bench [latency]", description=__doc__)
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--tickets", type=int, default=10)
    asyncio.run(run(parser.parse_args(argv)))
