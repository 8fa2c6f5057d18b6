"""Messages: `./palapa bench notify [--minutes 5] [--rate 3000] [--replicas 1]` sends `rate` messages a minute for
`minutes` through notify-svc's Notify-shaped API, end to end to the simulated providers, and counts from what the
simulators received that every message arrived exactly once, while it times live SSE pushes on the same notify-svc.
With `--replicas N`, N notify-svc processes share the load: the driver spreads the requests over them in turn,
the simulators' callbacks and the timed stream go to the first (the busiest).

It starts Tansu, embedded PostgreSQL, notify-svc, sim-whatsapp, sim-sms and sim-mail on free ports (the simulators
with their quirks: 5 % duplicate and 5 % reordered callbacks, which notify-svc takes through its signed callback
route). An SRE issues an OPD API key; the driver sends `POST /v2/notifications/{channel}` at a steady pace (6 in 10
by WhatsApp, 3 by SMS, 1 by e-mail, to `--recipients` different citizens, so no per-recipient cap is reached), each
with its own Idempotency-Key, and every 100th request twice (the second must answer the first's id and send
nothing). Quiet hours are off for the run (NOTIFY_QUIET_START_HOUR = END), or a run at night would wait until 06:00.
Meanwhile one SSE stream follows a Si Makel letter whose revisions are produced on Kafka about once a second; each
is timed from the produce call to its frame, first for `--baseline` updates before the load, then during it.
After the load it waits until the simulators hold every requested message (or `--drain` seconds) and prints:
requests and their answers, arrivals per minute, lost and doubled per channel, SSE p50/p99 idle and under load.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
from aiokafka import AIOKafkaProducer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from palapa.devstack import Stack
from palapa.localstack import free_port
from palapa.testkit.sse import open_stream
from palapa.tools.scratch import bench_stack, staff_token
from palapa.tools.sim_messages import Tally, answer_of, arrivals, messages_env, notification, tally

from .search import cpu_total, own_cpu, postgres_pid
from .sse import letter, send_update

PROCESSES = ("notify-svc", "sim-whatsapp", "sim-sms", "sim-mail")
SSE_TICKET = 0  # sse.letter's request number followed live


def percentiles(seconds: list[float]) -> str:
    if not seconds:
        return "n=0"
    ms = sorted(x * 1000 for x in seconds)
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else [ms[0]] * 99
    return f"n={len(ms)} p50={q[49]:.1f}ms p99={q[98]:.1f}ms max={ms[-1]:.1f}ms"


@dataclass
class Run:
    rate: int
    seconds: float
    requested: dict[str, set[str]] = field(default_factory=lambda: {c: set() for c in ("whatsapp", "sms", "email")})
    answers: Counter = field(default_factory=Counter)  # HTTP status (and reason) of every request
    api: list[float] = field(default_factory=list)  # request → answer
    replays_same: int = 0
    replays: int = 0
    sent_seconds: float = 0.0
    drained_seconds: float = 0.0
    sse_idle: list[float] = field(default_factory=list)
    sse_load: list[float] = field(default_factory=list)
    per_minute: list[int] = field(default_factory=list)
    counted: Tally | None = None
    statuses: dict[str, int] = field(default_factory=dict)  # notify-svc's own record, callbacks applied
    cpu_s: dict[str, float] = field(default_factory=dict)  # CPU seconds each process used from the load's start

    @property
    def total(self) -> int:
        return sum(len(ids) for ids in self.requested.values())

    @property
    def ok(self) -> bool:
        return (self.counted is not None and self.counted.ok and self.replays_same == self.replays
                and set(self.answers) <= {"201"})

    def report(self) -> str:
        lines = [f"requested {self.total} messages in {self.sent_seconds:.1f}s "
                 f"({self.total / max(self.sent_seconds, 1e-9) * 60:.0f}/min; asked for {self.rate}/min); "
                 f"answers {dict(self.answers)}; Idempotency-Key replays answered the same id: "
                 f"{self.replays_same}/{self.replays}",
                 f"API request → answer: {percentiles(self.api)}",
                 f"all in the simulators {self.drained_seconds:.1f}s after the last request; "
                 f"arrivals per minute of the run: {self.per_minute}"]
        lines += self.counted.lines() if self.counted else ["not counted"]
        lines.append(f"notify-svc's statuses (from the providers' callbacks): {self.statuses}")
        if self.cpu_s and self.total:
            notify = {k: v for k, v in self.cpu_s.items() if k.startswith("notify-svc")}
            per = sum(notify.values()) / self.total * 1000
            lines.append(f"CPU per message: notify-svc {per:.1f} ms (its API, dispatcher and callbacks, "
                         f"{len(notify)} replica(s); one core: {60_000 / per:.0f} messages a minute); the rest, per "
                         "message: " + ", ".join(f"{k} {v / self.total * 1000:.1f} ms" for k, v in self.cpu_s.items()
                                                 if k not in notify))
        lines.append(f"live SSE (produce → frame): idle {percentiles(self.sse_idle)}; "
                     f"under load {percentiles(self.sse_load)}")
        return "\n".join(lines)


async def _drive(http: httpx.AsyncClient, urls: list[str], key: str, run: Run, recipients: int, concurrency: int,
                 replay_every: int) -> None:
    """Requests at a steady pace (behind schedule when notify-svc cannot keep up: the rate printed says so), taken
    in turn by each replica, as a load balancer would."""
    gate, tasks, interval = asyncio.Semaphore(concurrency), set(), 60 / run.rate
    started = time.perf_counter()

    async def one(n: int) -> None:
        try:
            channel, body = notification(n, recipients, "bench")
            headers = {"Authorization": f"ApiKey-v1 {key}", "Idempotency-Key": f"bench-{n}"}
            for attempt in range(2 if n % replay_every == replay_every - 1 else 1):
                at, url = time.perf_counter(), urls[(n + attempt) % len(urls)]  # a replay may reach another replica
                resp = await http.post(f"{url}/v2/notifications/{channel}", json=body, headers=headers)
                run.api.append(time.perf_counter() - at)
                if attempt == 0:
                    run.answers[answer_of(resp)] += 1
                    first = resp.json().get("id") if resp.status_code == 201 else None
                    if first:
                        run.requested[channel].add(first)
                else:
                    run.replays += 1
                    run.replays_same += resp.status_code == 200 and resp.json().get("id") == first
        except httpx.HTTPError as exc:
            run.answers[type(exc).__name__] += 1
        finally:
            gate.release()

    n = 0
    # a notify-svc that cannot keep up leaves requests unasked when the window ends: the rate printed says so
    while (due := n * interval) < run.seconds and time.perf_counter() - started < run.seconds:
        await asyncio.sleep(max(0.0, started + due - time.perf_counter()))
        await gate.acquire()
        task = asyncio.create_task(one(n))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        n += 1
    await asyncio.gather(*tasks)
    run.sent_seconds = time.perf_counter() - started


@dataclass
class Follower:
    """One SSE stream on a Si Makel letter whose revisions are produced about once a second, each timed from the
    produce call to its frame."""

    stack: Stack
    desk: dict[str, str]
    revision: int = 0

    async def run(self, updates: list[float], stop: asyncio.Event, count: int | None = None) -> None:
        """Time updates into `updates` until `stop` is set (or `count` of them)."""
        notify, rng = self.stack.running["notify-svc"].url, random.Random(19 + self.revision)
        producer = AIOKafkaProducer(bootstrap_servers=self.stack.kafka, enable_idempotence=False, acks="all")
        await producer.start()
        try:
            async with (httpx.AsyncClient(headers=self.desk, timeout=httpx.Timeout(30, read=None)) as http,
                        open_stream(http, f"{notify}/tickets/SIMAKEL-B{SSE_TICKET}/events") as stream):
                if self.revision == 0:
                    self.revision = 1
                    await send_update(producer, self.stack.tool_signer, letter(SSE_TICKET, 1))
                await self._seen(stream)  # the replay of what is stored
                # at least one update, however short the load
                while (not stop.is_set() or not updates) and (count is None or len(updates) < count):
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), rng.uniform(0.5, 1.5))
                    self.revision += 1
                    start = time.perf_counter()
                    await send_update(producer, self.stack.tool_signer, letter(SSE_TICKET, self.revision))
                    await self._seen(stream)
                    updates.append(time.perf_counter() - start)
        finally:
            await producer.stop()

    async def _seen(self, stream) -> None:
        while int((await stream.next_event(timeout=60)).id) < self.revision:
            pass


async def _drained(http: httpx.AsyncClient, urls: dict[str, str], run: Run, timeout_s: float) -> None:
    deadline = time.perf_counter() + timeout_s
    while True:
        run.counted = tally(run.requested, found := await arrivals(http, urls))
        if all(not lost for lost in run.counted.lost.values()) or time.perf_counter() > deadline:
            break
        await asyncio.sleep(2)
    firsts = sorted(found.first_at.values())
    if firsts:
        run.per_minute = list(Counter(int((at - firsts[0]) // 60) for at in firsts).values())


async def measure(stack: Stack, rate: int, seconds: float, recipients: int = 2000, baseline: int = 20,
                  drain_s: float = 180, concurrency: int = 64, replay_every: int = 100) -> Run:
    """Drive the load and the live stream on a started stack with the PROCESSES; the figures."""
    run = Run(rate, seconds)
    urls = {name: r.url for name, r in stack.running.items() if r.url}
    desk = {"Authorization": f"Bearer {await staff_token(stack, 'desk')}"}
    sre = {"Authorization": f"Bearer {await staff_token(stack, 'sre')}"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        issued = await http.post(f"{urls['notify-svc']}/v2/api-keys", headers=sre,
                                 json={"name": "bench notify", "opd": "DISKOMINFO"})
        issued.raise_for_status()
        stop, follower = asyncio.Event(), Follower(stack, desk)
        await follower.run(run.sse_idle, stop, count=baseline)
        cpu_before = _cpu(stack)
        live = asyncio.create_task(follower.run(run.sse_load, stop))
        try:
            await _drive(http, replicas(stack), issued.json()["secret"], run, recipients, concurrency, replay_every)
        finally:
            stop.set()
            await live
        sent_at = time.perf_counter()
        await _drained(http, urls, run, drain_s)
        run.drained_seconds = time.perf_counter() - sent_at
        run.cpu_s = {name: at - cpu_before[name] for name, at in _cpu(stack).items()}
    run.statuses = await _statuses(stack.database_url)
    return run


def _cpu(stack: Stack) -> dict[str, float]:
    """CPU seconds so far of each started process, of PostgreSQL (its backends included) and of this driver."""
    cpu = {name: cpu_total(r.proc.pid) for name, r in stack.running.items()}
    postgres = postgres_pid(stack)
    cpu["PostgreSQL"] = cpu_total(postgres, children=True) if postgres else float("nan")
    cpu["this driver"] = own_cpu()
    return cpu


async def _statuses(database_url: str) -> dict[str, int]:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT status, count(*) FROM notify.messages GROUP BY status"))
            return {r[0]: r[1] for r in rows}
    finally:
        await engine.dispose()


def replicas(stack: Stack) -> list[str]:
    """notify-svc's URLs, the stack's own first (the simulators' callbacks go to it, and the timed stream follows
    there: the busiest replica)."""
    return [r.url for r in stack.running.values() if r.spec.name == "notify-svc"]


async def add_replicas(stack: Stack, count: int) -> None:
    """`count - 1` more notify-svc processes beside the stack's own: the same settings, database and consumer
    groups (they share the partitions; live pushes reach every replica through PostgreSQL: fanout.py)."""
    first = stack.running["notify-svc"]
    for n in range(2, count + 1):
        await stack._wait_ready(stack._spawn(first.spec, free_port(), name=f"notify-svc-{n}"))


async def main_async(args: argparse.Namespace) -> int:
    async with bench_stack("palapa-bench-notify-", only=PROCESSES, simulate=True, extra_env=messages_env()) as stack:
        await add_replicas(stack, args.replicas)
        print(f"{args.rate} messages a minute for {args.minutes} min through {args.replicas} notify-svc replica(s)' "
              "API to the simulators…", flush=True)
        run = await measure(stack, args.rate, args.minutes * 60, args.recipients, drain_s=args.drain)
        print(run.report())
        return 0 if run.ok else 1


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="palapa bench notify", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--rate", type=int, default=3000, help="messages a minute")
    parser.add_argument("--recipients", type=int, default=2000, help="different citizens the messages go to")
    parser.add_argument("--drain", type=float, default=180, help="seconds to wait for the last messages to arrive")
    parser.add_argument("--replicas", type=int, default=1, help="notify-svc processes sharing the load")
    args = parser.parse_args(argv)
    if args.minutes <= 0 or args.rate < 1 or args.recipients < 1 or args.replicas < 1:
        parser.error("--minutes, --rate, --recipients and --replicas must be positive")
    raise SystemExit(asyncio.run(main_async(args)))
