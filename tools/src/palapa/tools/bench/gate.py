"""`./palapa bench gate [--rate 200] [--seconds 20] [--clients 32] [--mix citizens|fixed] [--distinct 5000]`: the
citizen's home and a directory search page through the gate (Caddy → gate-svc → catalog-svc, each its own process),
at a steady rate.

Requests alternate between the home page (`/`) and a search page (`/cari?q=…`, gate-svc asking catalog-svc);
each is timed from its scheduled moment (a late request counts its wait), so queueing shows in the figures, and the
achieved rate is printed beside the asked one. The searches (`--mix`):
- `citizens` (the default): many citizens, many words: `--distinct` different searches (catalog_data.citizen_queries:
  an opening word, a thing, a kelurahan, typos), drawn by Zipf's law (weight 1/rank**`--zipf`), so a few are asked
  all the time and most rarely; each client connection is a citizen of its own;
- `fixed`: the search-quality table's 36 queries in turn (after the first round, all answered from the page cache).
Before the run the gate is brought to the state a gate that has been up a while is in (`--warm-s`, default 30, the
page cache's lifetime): every different search the same mix would have asked in that many seconds at the rate
(another draw), asked once; 0 starts cold.
`--no-cache` (GATE_PAGE_CACHE_S=0) sends every search on to catalog-svc.

`--streams N` is the hook for the second figure of issue 20: a citizen stream's event-to-browser p99 with N
signed-in citizens streaming. That is measured by `./palapa bench citizen-sse --citizens N` (notify-svc's
/citizen/events, not through Caddy); `citizen_streams` below says so and is where a run through the gate would go.
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

from .catalog_data import QUERIES, citizen_queries, zipf_draws
from .search import cpu_total, postgres_pid
from .wire import Client

PROCESSES = ("catalog-svc", "gate-svc")  # Caddy comes with gate-svc


def searches_of(mix: str, count: int, distinct: int = 5000, zipf: float = 1.0, seed: int = 13) -> list[str]:
    """The `count` searches of a run, in order (`mix`: "citizens" or "fixed", as the module says)."""
    if mix == "fixed":
        return [QUERIES[i % len(QUERIES)] for i in range(count)]
    return zipf_draws(citizen_queries(distinct), count, s=zipf, seed=seed)


async def warm_up(url: str, searches: list[str], clients: int = 4) -> None:
    """The home page and each of `searches` asked once (a few at a time), so the page cache holds them."""
    pending = ["/", *("/cari?q=" + quote(q) for q in searches)]

    async def client() -> None:
        conn = Client(url)
        while pending:
            await conn.get(pending.pop())
        await conn.close()

    await asyncio.gather(*(client() for _ in range(clients)))


def request_path(i: int, searches: list[str]) -> tuple[str, str]:
    """The i-th request: (kind, path), home and search pages alternating, the searches in `searches`' order."""
    if i % 2 == 0:
        return "home", "/"
    return "search", "/cari?q=" + quote(searches[(i // 2) % len(searches)])


def percentiles(seconds: list[float]) -> dict[str, float]:
    ms = sorted(x * 1000 for x in seconds)
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else [ms[0]] * 99
    return {"p50": q[49], "p90": q[89], "p99": q[98], "max": ms[-1]}


@dataclass
class GateRun:
    rate: float
    seconds: float
    clients: int
    searches: list[str] = field(default_factory=list)
    mix: str = "citizens"
    warmed: set[str] = field(default_factory=set)  # the searches the page cache held at the start (casefolded)
    achieved: float = 0.0  # requests answered per second, from the first scheduled to the last answered
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"home": [], "search": []})
    cpu_ms: dict[str, float] = field(default_factory=dict)  # CPU per request: caddy, gate-svc, catalog-svc, postgres

    @property
    def every(self) -> list[float]:
        return self.latencies["home"] + self.latencies["search"]

    def lines(self) -> list[str]:
        load = open("/proc/loadavg").read().split()[:3]
        asked = self.searches[:len(self.latencies["search"])]
        distinct = len({q.casefold() for q in asked})
        cold = len({q.casefold() for q in asked} - self.warmed)
        out = [f"gate: {len(self.every)} requests at {self.rate:.0f}/s for {self.seconds:.0f}s (achieved "
               f"{self.achieved:.1f}/s), {self.clients} clients, through Caddy (load average {' '.join(load)} on "
               f"{os.cpu_count()} cores)",
               f"  searches: mix {self.mix}, {distinct} different among {len(asked)}, {len(self.warmed)} in the page "
               f"cache at the start: {cold / max(1, len(asked)):.0%} of searches reach catalog-svc"]
        for kind in ("home", "search"):
            p = percentiles(self.latencies[kind])
            out.append(f"  {kind:<7} {len(self.latencies[kind])}: p50={p['p50']:.1f}ms p90={p['p90']:.1f}ms "
                       f"p99={p['p99']:.1f}ms max={p['max']:.1f}ms")
        p = percentiles(self.every)
        out.append(f"  all     p50={p['p50']:.1f}ms p99={p['p99']:.1f}ms")
        out.append("  CPU per request: " + ", ".join(f"{k} {v:.2f} ms" for k, v in self.cpu_ms.items()))
        return out


async def measure(stack: Stack, rate: float, seconds: float, clients: int, mix: str = "citizens",
                  distinct: int = 5000, zipf: float = 1.0, warm_s: float = 0) -> GateRun:
    """Requests scheduled every 1/rate s through the stack's gate; latency from each one's scheduled moment. Before
    them, the home page and the searches everyone makes (QUERIES) once, as a gate that has been up a while has them;
    the rest of the mix meets a cold cache."""
    url = stack.gate.url
    warmed = {q.casefold() for q in QUERIES}
    if mix == "citizens" and warm_s > 0:
        warmed |= {q.casefold() for q in searches_of(mix, int(rate / 2 * warm_s), distinct, zipf, seed=14)}
    await warm_up(url, sorted(warmed))
    pids = {"caddy": stack.gate.proc.pid, "gate-svc": stack.running["gate-svc"].proc.pid,
            "catalog-svc": stack.running["catalog-svc"].proc.pid}
    pg_pid = postgres_pid(stack)
    if pg_pid:
        pids["postgres"] = pg_pid  # its backends come and go: counted as the postmaster's children
    before = {name: cpu_total(pid, children=name == "postgres") for name, pid in pids.items()}
    total = int(rate * seconds)
    run = GateRun(rate, seconds, clients, searches_of(mix, total // 2 + 1, distinct, zipf), mix, warmed)
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
            kind, path = request_path(i, run.searches)
            await conn.get(path)
            run.latencies[kind].append(time.perf_counter() - due)
        await conn.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    run.achieved = total / (time.perf_counter() - start)
    run.cpu_ms = {name: (cpu_total(pid, children=name == "postgres") - before[name]) / total * 1000
                  for name, pid in pids.items()}
    return run


async def run(args: argparse.Namespace) -> None:
    extra = {"gate-svc": {"GATE_PAGE_CACHE_S": "0"}} if args.no_cache else {}
    async with bench_stack("palapa-bench-gate-", only=PROCESSES, extra_env=extra) as stack:
        try:
            found = await measure(stack, args.rate, args.seconds, args.clients, args.mix, args.distinct, args.zipf,
                                  args.warm_s)
        except Exception:
            for name in PROCESSES:
                print(f"{name}'s log ends with:\n{tail(stack.running[name].log)}", flush=True)
            raise
        print("\n".join(found.lines()))
        if args.streams:
            print(citizen_streams(stack, args.streams))


def citizen_streams(stack: Stack, citizens: int) -> str:
    """The hook for a citizen stream's event-to-browser p99 with `citizens` signed in and streaming, through the
    gate: `./palapa bench citizen-sse` measures it on notify-svc itself (its figures: docs/gate.md). Through Caddy
    it would sign the citizens in (sessions as tests/e2e makes them), open /kasus/aliran each, change their cases
    and time each change to its frame, as citizen_sse.measure does."""
    return (f"  citizen streams ({citizens} citizens): not measured through the gate here; the stream's own figure "
            f"is `./palapa bench citizen-sse --citizens {citizens}` (notify-svc's /citizen/events, no Caddy)")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="palapa bench gate", description=__doc__)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--no-cache", action="store_true", help="every search asks catalog-svc (no page cache)")
    parser.add_argument("--mix", choices=("citizens", "fixed"), default="citizens",
                        help="citizens: many different searches by Zipf's law; fixed: the 36 queries in turn")
    parser.add_argument("--distinct", type=int, default=5000, help="different searches in the citizens' mix")
    parser.add_argument("--zipf", type=float, default=1.0, help="Zipf exponent of the citizens' mix")
    parser.add_argument("--warm-s", type=float, default=30,
                        help="bring the page cache to this many seconds of the mix before measuring (0: cold)")
    parser.add_argument("--streams", type=int, default=0, metavar="N",
                        help="a citizen stream's p99 with N citizens: says where it is measured (bench citizen-sse)")
    asyncio.run(run(parser.parse_args(argv)))
