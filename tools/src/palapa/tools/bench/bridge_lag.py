"""Bridge lag benchmark: from a change in a legacy app (CCTV or Si Makel) until its event is on Kafka.

`./palapa bench bridge-lag --bridge cctv --changes 200` starts Tansu, PostgreSQL, the legacy app's simulator
(its own changes switched off) and its bridge as processes on free ports, then makes one legacy change at a
time at a random moment (a camera going offline or online; a request moving to its next status) through the
simulator's control route, and times each from the route's answer (the change is in the legacy app) to the
event's arrival at a consumer of the bridge's topic (fetch_max_wait_ms 10 on Tansu, as the platform's).
Most of the lag is the bridge waiting for its next poll: `--poll-interval` overrides the bridge's setting.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import time
from dataclasses import dataclass

import httpx
from aiokafka import AIOKafkaConsumer

from palapa.contracts.topics import SERVICE_REQUESTS, TRANSPORT_CAMERAS, Topic
from palapa.devstack import DevstackSettings, Stack
from palapa.kit.kafka import CONSUMER_TUNING
from palapa.tools.scratch import scratch_folder


@dataclass(frozen=True)
class Target:
    sim: str
    bridge: str
    topic: Topic
    quiet: dict[str, str]  # the simulator's own changes off: only the bench changes the legacy app
    poll_interval: float  # the bridge's default (its settings')


TARGETS = {
    "cctv": Target("sim-cctv", "bridge-cctv", TRANSPORT_CAMERAS,
                   {"SIM_CCTV_CHANGES_PER_MINUTE": "0", "SIM_CCTV_REGISTRATIONS_PER_MINUTE": "0",
                    "SIM_CCTV_QUIRK_RATIO": "0", "SIM_CCTV_CAMERAS": "20"}, 1.0),
    "simakel": Target("sim-simakel", "bridge-simakel", SERVICE_REQUESTS,
                      {"SIM_SIMAKEL_SUBMISSIONS_PER_MINUTE": "0", "SIM_SIMAKEL_MOVES_PER_MINUTE": "0",
                       "SIM_SIMAKEL_QUIRK_RATIO": "0"}, 0.5),
}
NEXT = {"0": "1", "1": "2", "2": "3", "3": "4"}


async def _consume(consumer: AIOKafkaConsumer, arrivals: dict[str, list[float]]) -> None:
    async for record in consumer:
        arrivals.setdefault(record.key.decode(), []).append(time.perf_counter())


async def _until(check, timeout_s: float, what: str) -> None:
    deadline = time.perf_counter() + timeout_s
    while not check():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"waited {timeout_s}s for {what}")
        await asyncio.sleep(0.001)


class Changes:
    """The legacy changes one bridge is timed on: `prepare` sets the scene, `make` changes one thing."""

    def __init__(self, which: str, sim: str, http: httpx.AsyncClient, rng: random.Random) -> None:
        self.which, self.sim, self.http, self.rng = which, sim, http, rng
        self.online: dict[str, bool] = {}
        self.status: dict[int, str] = {}

    async def prepare(self, arrivals: dict[str, list[float]], items: int) -> None:
        if self.which == "cctv":
            self.online = {f"CCTV-{n:03d}": True for n in range(1, 21)}
            # every camera registered and online: two events each
            await _until(lambda: all(len(arrivals.get(c, [])) >= 2 for c in self.online), 60, "the first snapshot")
            return
        for _ in range(items):
            rid = (await self.http.post(f"{self.sim}/sim/permohonan", json={})).json()["id"]
            self.status[rid] = "0"
        await _until(lambda: all(f"SIMAKEL-{i}" in arrivals for i in self.status), 60, "every submission")

    async def make(self) -> str:
        """Change one thing now; returns the key its event will carry."""
        if self.which == "cctv":
            cam = self.rng.choice(list(self.online))
            self.online[cam] = not self.online[cam]
            url = f"{self.sim}/sim/kamera/{cam}/status"
            (await self.http.post(url, json={"online": self.online[cam]})).raise_for_status()
            return cam
        rid = self.rng.choice([i for i, s in self.status.items() if s in NEXT] or [None])
        if rid is None:  # every request closed: a new one is a change too
            rid = (await self.http.post(f"{self.sim}/sim/permohonan", json={})).json()["id"]
            self.status[rid] = "0"
            return f"SIMAKEL-{rid}"
        self.status[rid] = NEXT[self.status[rid]]
        url = f"{self.sim}/sim/permohonan/{rid}/status"
        (await self.http.post(url, json={"kode": self.status[rid]})).raise_for_status()
        return f"SIMAKEL-{rid}"


async def measure(stack: Stack, which: str, changes: int, spread: float, items: int = 20) -> list[float]:
    """Time `changes` legacy changes through a started stack running `which`'s simulator (quiet) and bridge;
    `items`: Si Makel requests submitted first (CCTV's cameras are the simulator's 20)."""
    target = TARGETS[which]
    profile = "kafka" if stack.settings.kafka_bootstrap_servers else "tansu"
    consumer = AIOKafkaConsumer(target.topic.name, bootstrap_servers=stack.kafka, auto_offset_reset="earliest",
                                enable_auto_commit=False, **CONSUMER_TUNING[profile])
    await consumer.start()
    arrivals: dict[str, list[float]] = {}
    reader = asyncio.create_task(_consume(consumer, arrivals))
    lags: list[float] = []
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            scene = Changes(which, stack.running[target.sim].url, http, random.Random(9))
            await scene.prepare(arrivals, items=items)
            for _ in range(changes):
                # at a random moment over a whole poll interval: a change made right after the last event
                # would always fall just after a poll (the loop would lock onto the bridge's phase)
                await asyncio.sleep(scene.rng.uniform(0, spread))
                key = await scene.make()
                changed = time.perf_counter()
                seen = len(arrivals.get(key, []))
                await _until(lambda key=key, seen=seen: len(arrivals.get(key, [])) > seen, 30, f"the event of {key}")
                lags.append(arrivals[key][seen] - changed)
    finally:
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)
        await consumer.stop()
    return lags


def report(lags: list[float]) -> str:
    ms = sorted(x * 1000 for x in lags)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return (f"changes={len(ms)} p50={q[49]:.1f}ms p90={q[89]:.1f}ms p99={q[98]:.1f}ms "
            f"mean={statistics.fmean(ms):.1f}ms min={ms[0]:.1f}ms max={ms[-1]:.1f}ms")


async def run(args: argparse.Namespace) -> None:
    target = TARGETS[args.bridge]
    folder = scratch_folder("palapa-bench-lag-")
    bridge_env = {}
    if args.poll_interval:
        prefix = target.bridge.replace("-", "_").upper() + "_"
        bridge_env[f"{prefix}POLL_INTERVAL_SECONDS"] = str(args.poll_interval)
    stack = Stack(DevstackSettings(PALAPA_DATA_DIR=folder, LOG_LEVEL="WARNING"), durable=False, simulate=True,
                  only=(target.sim, target.bridge), extra_env={target.sim: target.quiet, target.bridge: bridge_env},
                  progress=lambda line: print("  " + line, flush=True))
    try:
        await stack.start()
        interval = args.poll_interval or target.poll_interval
        print(f"measuring {args.changes} legacy changes through {target.bridge} (polling every {interval:g} s)…",
              flush=True)
        print(report(await measure(stack, args.bridge, args.changes, args.spread or interval)))
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="palapa bench bridge-lag", description=__doc__)
    parser.add_argument("--bridge", choices=sorted(TARGETS), required=True)
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--spread", type=float, default=None,
                        help="longest random pause between changes (s); default: the poll interval")
    parser.add_argument("--poll-interval", type=float, default=None, help="the bridge's poll interval (s)")
    asyncio.run(run(parser.parse_args(argv)))
