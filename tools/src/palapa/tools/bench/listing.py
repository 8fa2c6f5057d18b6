"""What the listing sweep costs on Si Makel: `./palapa bench listing-sweep --requests 20000`.

Starts Tansu, PostgreSQL, sim-simakel (its own changes off) and bridge-simakel as processes on free ports, submits N
letter requests through the simulator's control route, lets the bridge bridge them with its sweep off, then restarts
it with a sweep every --every seconds and reads two passes off its /metrics (palapa_bridge_sweep_*). A listing sweep
keeps nothing between passes: each reads Si Makel's whole XML listing through its API (page by page, as the poll
reads it), fingerprints every request and compares with row_state, so every pass costs the same; both must find
nothing [OK]. Per pass: requests/s, the bridge's CPU, how long it waited for Si Makel's pages, its peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import time
from dataclasses import dataclass

import httpx

from palapa.devstack import Stack
from palapa.tools.scratch import bench_stack

from .bridge_lag import TARGETS
from .pbb import _until, peak_rss_mb
from .sweep import _restart, parser_for, reported

SIM, BRIDGE, APP = "sim-simakel", "bridge-simakel", "si-makel"
METRIC = re.compile(r'^palapa_bridge_(sweeps_total|sweep_\w+|events_total)\{[^}]*app="' + APP + r'"[^}]*\} (\S+)$',
                    re.M)


@dataclass(frozen=True)
class Pass:
    figures: dict[str, float]
    rss_mb: float

    def line(self, n: int) -> str:
        f = self.figures
        return (f"pass {n}: {f['rows']:,.0f} requests in {f['seconds']:.2f}s ({f['rows'] / f['seconds']:,.0f}/s); "
                f"found {f['changed']:,.0f} changed, {f['deleted']:,.0f} deleted; bridge CPU {f['cpu_seconds']:.2f}s; "
                f"waiting for Si Makel's pages {f['source_seconds']:.2f}s; bridge peak RSS {self.rss_mb:.0f} MB")


@dataclass(frozen=True)
class Run:
    requests: int
    submit_s: float
    bridge_s: float
    passes: list[Pass]

    @property
    def ok(self) -> bool:
        return all(p.figures["rows"] >= self.requests and p.figures["changed"] == p.figures["deleted"] == 0
                   for p in self.passes)

    def report(self) -> str:
        return "\n".join([
            f"submitted {self.requests:,} requests in {self.submit_s:.1f}s; bridged in {self.bridge_s:.1f}s",
            *(p.line(i) for i, p in enumerate(self.passes, 1)),
            f"[{'OK' if self.ok else 'MISMATCH'}] every pass compared every request and found nothing to put right; "
            "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()),
        ])


async def _figures(http: httpx.AsyncClient, url: str) -> dict[str, float]:
    body = (await http.get(f"{url}/metrics")).text
    return {name.removeprefix("sweep_"): float(value) for name, value in METRIC.findall(body)}


async def _submit(http: httpx.AsyncClient, sim: str, n: int, at_once: int = 32) -> None:
    for start in range(0, n, at_once):
        answers = await asyncio.gather(*(http.post(f"{sim}/sim/permohonan", json={})
                                         for _ in range(min(at_once, n - start))))
        for answer in answers:
            answer.raise_for_status()


async def measure(stack: Stack, requests: int, every: float, timeout_s: float, *, leave_as_found: bool = True) -> Run:
    """Submit, bridge, then two passes of the stack's bridge-simakel (restarted with its sweep on every `every`
    seconds; then again with its settings as they were when `leave_as_found`: a shared platform)."""
    before = dict(stack.extra_env.get(BRIDGE, {}))
    sim = stack.running[SIM].url
    async with httpx.AsyncClient(timeout=30) as http:
        events = (await _figures(http, stack.running[BRIDGE].url)).get("events_total", 0)
        started = time.perf_counter()
        await _submit(http, sim, requests)
        submitted = time.perf_counter()

        async def bridged() -> bool:
            return (await _figures(http, stack.running[BRIDGE].url)).get("events_total", 0) >= events + requests

        await _until(bridged, timeout_s, "every request bridged", stack.running[BRIDGE].proc, every=0.2)
        bridged_at = time.perf_counter()
        await _restart(stack, {**before, "BRIDGE_SIMAKEL_SWEEP_SECONDS": str(every)}, BRIDGE)
        passes = []
        for done in (1, 2):
            got: dict[str, float] = {}

            async def ended(done=done, got=got) -> bool:
                got.update(await _figures(http, stack.running[BRIDGE].url))
                return got.get("sweeps_total", 0) >= done

            await _until(ended, timeout_s, f"sweep pass {done}", stack.running[BRIDGE].proc, every=0.1)
            passes.append(Pass(dict(got), peak_rss_mb(stack.running[BRIDGE].proc.pid)))
    if leave_as_found:
        await _restart(stack, before, BRIDGE)
    return Run(requests, submitted - started, bridged_at - submitted, passes)


async def run(args: argparse.Namespace) -> None:
    env = {SIM: TARGETS["simakel"].quiet, BRIDGE: {"BRIDGE_SIMAKEL_SWEEP_SECONDS": "0"}}
    async with bench_stack("palapa-bench-listing-", only=(SIM, BRIDGE), simulate=True, extra_env=env) as stack:
        await reported(stack, BRIDGE, "listing-sweep",
                       measure(stack, args.requests, args.every, args.timeout, leave_as_found=False))


def main(argv: list[str] | None = None) -> None:
    parser = parser_for("listing-sweep", __doc__)
    parser.add_argument("--requests", type=int, default=20_000, help="letter requests in Si Makel (a kelurahan year)")
    parser.add_argument("--every", type=float, default=10.0, help="seconds between passes")
    parser.add_argument("--timeout", type=float, default=1800)
    asyncio.run(run(parser.parse_args(argv)))
