"""`./palapa bench gate [--rate 200] [--seconds 20] [--clients 32]`: the citizen's home and a directory search
page through the gate (Caddy → gate-svc → catalog-svc, each its own process), at a steady rate.

Requests alternate between the home page (`/`) and a search page (`/cari?q=…`, gate-svc asking catalog-svc);
each is timed from its scheduled moment (a late request counts its wait), so queueing shows in the figures.
The searches repeat a fixed list, so after the first round gate-svc answers them from its page cache;
`--no-cache` (GATE_PAGE_CACHE_S=0) sends every search on to catalog-svc.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import quote

from palapa.devstack import Stack, tail
from palapa.tools.scratch import bench_stack

from .catalog_data import QUERIES
from .search import cpu_total
from .wire import Client

PROCESSES = ("catalog-svc", "gate-svc")  # Caddy comes with gate-svc


def request_path(i: int) -> tuple[str, str]:
    """The i-th request: (kind, path), home and search pages alternating, the searches through QUERIES."""
    if i % 2 == 0:
        return "home", "/"
    return "search", "/cari?q=" + quote(QUERIES[(i // 2) % len(QUERIES)])


def percentiles(seconds: list[float]) -> dict[str, float]:
    ms = sorted(x * 1000 for x in seconds)
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else [ms[0]] * 99
    return {"p50": q[49], "p90": q[89], "p99": q[98], "max": ms[-1]}


@dataclass
class GateRun:
    rate: float
    seconds: float
    clients: int
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"home": [], "search": []})
    cpu_ms: dict[str, float] = field(default_factory=dict)  # CPU per request: caddy, gate-svc, catalog-svc

    @property
    def every(self) -> list[float]:
        return self.latencies["home"] + self.latencies["search"]

    def lines(self) -> list[str]:
        load = open("/proc/loadavg").read().split()[:3]
        out = [f"gate: {len(self.every)} requests at {self.rate:.0f}/s for {self.seconds:.0f}s, {self.clients} "
               f"clients, through Caddy (load average {' '.join(load)} on {os.cpu_count()} cores)"]
        for kind in ("home", "search"):
            p = percentiles(self.latencies[kind])
            out.append(f"  {kind:<7} {len(self.latencies[kind])}: p50={p['p50']:.1f}ms p90={p['p90']:.1f}ms "
                       f"p99={p['p99']:.1f}ms max={p['max']:.1f}ms")
        p = percentiles(self.every)
        out.append(f"  all     p50={p['p50']:.1f}ms p99={p['p99']:.1f}ms")
        out.append("  CPU per request: " + ", ".join(f"{k} {v:.2f} ms" for k, v in self.cpu_ms.items()))
        return out


async def measure(stack: Stack, rate: float, seconds: float, clients: int) -> GateRun:
    """Requests scheduled every 1/rate s through the stack's gate; latency from each one's scheduled moment."""
    url = stack.gate.url
    warm = Client(url)
    for i in range(2 * len(QUERIES)):
        await warm.get(request_path(i)[1])
    await warm.close()
    pids = {"caddy": stack.gate.proc.pid, "gate-svc": stack.running["gate-svc"].proc.pid,
            "catalog-svc": stack.running["catalog-svc"].proc.pid}
    before = {name: cpu_total(pid) for name, pid in pids.items()}
    run = GateRun(rate, seconds, clients)
    total = int(rate * seconds)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)
    start = time.perf_counter() + 0.2

    async def client() -> None:
        conn = Client(url)
        while not queue.empty():
            i = queue.get_nowait()
            due = start + i / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            kind, path = request_path(i)
            await conn.get(path)
            run.latencies[kind].append(time.perf_counter() - due)
        await conn.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    run.cpu_ms = {name: (cpu_total(pid) - before[name]) / total * 1000 for name, pid in pids.items()}
    return run


async def run(args: argparse.Namespace) -> None:
    extra = {"gate-svc": {"GATE_PAGE_CACHE_S": "0"}} if args.no_cache else {}
    async with bench_stack("palapa-bench-gate-", only=PROCESSES, extra_env=extra) as stack:
        try:
            found = await measure(stack, args.rate, args.seconds, args.clients)
        except Exception:
            for name in PROCESSES:
                print(f"{name}'s log ends with:\n{tail(stack.running[name].log)}", flush=True)
            raise
        print("\n".join(found.lines()))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="palapa bench gate", description=__doc__)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--no-cache", action="store_true", help="every search asks catalog-svc (no page cache)")
    asyncio.run(run(parser.parse_args(argv)))
