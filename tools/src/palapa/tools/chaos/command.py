"""`./palapa chaos --minutes M [--seed N]`: kill -9 services and the broker while the legacy app writes fast.

Starts the platform on free ports in a temporary folder with the simulator writing fast, kills services
(complaint-svc, notify-svc, bridge-curhat, catalog-svc) and the Tansu broker at seeded random moments
(services come back through Stack.restart_crashed, the broker through Stack.restart_broker), then stops
the writers, waits until the platform is quiet, and compares every view with the legacy truth (the reconcile
command's comparison). The simulated staff also set cases back, reopen them, repeat a stage and write free-text
codes (--odd-moves). Meanwhile an OPD's app sends messages through notify-svc, which is killed at least once while
it sends; every message must reach its simulated provider exactly once (messages.py). Prints lost / duplicated /
mismatched, the messages' count and the reconcile result; exits 1 unless all are 0.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sys
import time
from dataclasses import dataclass, field

from aiokafka.errors import KafkaError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from palapa.devstack import CURHAT_FLOW, Stack, StackError
from palapa.kit.db import async_url
from palapa.tools.reconcile.command import lines as reconcile_lines
from palapa.tools.reconcile.compare import reconcile
from palapa.tools.reconcile.difference import Comparison
from palapa.tools.reconcile.sources import Sources
from palapa.tools.scratch import scratch_folder, scratch_settings

from . import messages
from .check import Verdict, check

VICTIMS = ("complaint-svc", "notify-svc", "bridge-curhat", "catalog-svc", "broker")


def plan(rng: random.Random, seconds: float, kills: int) -> list[tuple[float, str]]:
    """(second, victim) pairs: random moments, at least one broker and one service kill when kills ≥ 2."""
    victims = [rng.choice(VICTIMS) for _ in range(kills)]
    if kills >= 2 and "broker" not in victims:
        victims[rng.randrange(kills)] = "broker"
    if kills >= 2 and all(v == "broker" for v in victims):
        victims[0] = rng.choice(VICTIMS[:-1])
    margin = min(5.0, seconds / 10)
    return sorted(zip(sorted(rng.uniform(margin, seconds - margin) for _ in victims), victims, strict=True))


class Chaos:
    """Runs the kill plan on a started stack and keeps the platform supervised until told to stop."""

    def __init__(self, stack: Stack, rng: random.Random) -> None:
        self.stack, self.rng = stack, rng
        self.kills: list[str] = []
        self.problems: list[str] = []
        self.stopping = asyncio.Event()

    async def supervise(self) -> None:
        """What `./palapa up` does for services: restart the dead ones (kills included) until stopped."""
        while not self.stopping.is_set():
            try:
                await self.stack.restart_crashed(max_restarts=1_000)
            except StackError as exc:
                self.problems.append(f"a service did not come back: {str(exc).splitlines()[0]}")
            await asyncio.sleep(0.5)

    async def run(self, schedule: list[tuple[float, str]]) -> None:
        start = time.monotonic()
        for at, victim in schedule:
            await asyncio.sleep(max(0.0, start + at - time.monotonic()))
            if victim == "broker":
                if not self.stack.kill_broker():
                    self.problems.append("no local broker to kill (KAFKA_BOOTSTRAP_SERVERS set?)")
                    continue
                down = self.rng.uniform(1, 5)
                self._say(f"kill -9 broker at {at:.0f}s (down {down:.1f}s)")
                await asyncio.sleep(down)
                await self.stack.restart_broker()
            else:
                run = await self._serving(victim)
                run.proc.kill()
                self._say(f"kill -9 {victim} (pid {run.proc.pid}) at {time.monotonic() - start:.0f}s")

    async def _serving(self, victim: str, timeout_s: float = 300):
        """The victim's process once it serves: a kill while it still starts (restarting from an earlier kill on a
        slow host) tests nothing and read as "did not come back"."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            run = self.stack.running[victim]
            if run.ready_after is not None and run.proc.poll() is None:
                break
            await asyncio.sleep(0.5)
        return run

    def _say(self, line: str) -> None:
        self.kills.append(line)
        print(f"chaos: {line}", flush=True)


async def settle(stack: Stack, quiet_s: float, timeout_s: float, problems: list[str]) -> Verdict | None:
    """Compare until all is well, or nothing changed for quiet_s, or timeout_s passed; the last verdict.
    Adds to `problems` when the legacy rows still change: the comparison then chases a live writer."""
    legacy = create_async_engine(stack.legacy_database_url)
    platform = create_async_engine(async_url(stack.database_url))
    deadline = time.monotonic() + timeout_s
    verdict, since, last_seen, first = None, time.monotonic(), None, None
    try:
        while time.monotonic() < deadline:
            try:
                verdict = await check(legacy, platform, stack.kafka)
            except (SQLAlchemyError, OSError, KafkaError) as exc:  # a view not readable yet: not quiet
                print(f"chaos: views not readable yet ({exc!r})"[:300], flush=True)
                since, last_seen = time.monotonic(), None
                await asyncio.sleep(2)
                continue
            first = first or verdict
            if verdict.legacy != first.legacy:
                problems.append(f"the legacy rows still change after the writers stopped ({first.rows} rows, "
                                f"then {verdict.rows}): something else writes them")
                return verdict
            if verdict.ok:
                return verdict
            if verdict.observed != last_seen:
                since, last_seen = time.monotonic(), verdict.observed
            elif time.monotonic() - since >= quiet_s:
                return verdict
            await asyncio.sleep(2)
    finally:
        await legacy.dispose()
        await platform.dispose()
    return verdict


@dataclass
class Outcome:
    verdict: Verdict | None
    kills: list[str]
    problems: list[str]
    reconciled: list[Comparison] = field(default_factory=list)  # `./palapa reconcile` on the settled platform
    messages: list[str] = field(default_factory=list)  # messages.Sender.lines
    messages_ok: bool = True

    @property
    def ok(self) -> bool:
        reconciled = not any(c.differences for c in self.reconciled)
        return self.verdict is not None and self.verdict.ok and not self.problems and reconciled and self.messages_ok

    def lines(self) -> list[str]:
        out = [f"kills: {len(self.kills)}"] + [f"problem: {p}" for p in self.problems[:5]]
        out += self.verdict.lines() if self.verdict else ["no comparison could be made: the views never answered"]
        out += [line for line in reconcile_lines(self.reconciled) if line.startswith("reconcile:")]
        out += self.messages
        return out + ["chaos: PASS" if self.ok else "chaos: FAIL"]


async def ordeal(stack: Stack, rng: random.Random, seconds: float, kills: int, quiet_s: float,
                 settle_s: float) -> Outcome:
    """On a started stack with the simulator: the kill plan for `seconds`, then stop the writers and compare."""
    chaos = Chaos(stack, rng)
    sender = messages.Sender(stack)  # an OPD's app sends messages all run long (messages.py)
    await sender.start()
    supervisor = asyncio.create_task(chaos.supervise())
    started = time.monotonic()
    try:
        await chaos.run(messages.with_notify_kill(plan(rng, seconds, kills), rng, seconds))
        await asyncio.sleep(max(0.0, started + seconds - time.monotonic()))
        print("chaos: writers stop; waiting for the platform to go quiet…", flush=True)
        stack.stop_service("sim-curhat")  # for good: the supervisor must not bring the writers back
        await sender.stop()
        verdict = await settle(stack, quiet_s, settle_s, chaos.problems)
        counted = await sender.count(max(settle_s, 120))  # a killed sender's lease (60 s) must end first
    finally:
        sender.cancel()  # done already when all went well
        chaos.stopping.set()
        await supervisor
    # the same comparison as `./palapa reconcile`, on the settled platform: the apps chaos does not run are skipped
    reconciled = await reconcile(Sources.of_stack(stack))
    return Outcome(verdict, chaos.kills, chaos.problems, reconciled, sender.lines(counted),
                   counted.ok and not sender.refused)


def simulator_env(seed: int, complaints_per_minute: float, updates_per_minute: float,
                  odd_moves: float = 0.25) -> dict[str, dict[str, str]]:
    """Stack.extra_env for a simulator writing fast (SIM_CURHAT_* settings), its staff making `odd_moves` of their
    moves the way real staff also do: back, reopened, the same stage again, free-text codes."""
    return {"sim-curhat": {"SIM_CURHAT_COMPLAINTS_PER_MINUTE": str(complaints_per_minute),
                           "SIM_CURHAT_UPDATES_PER_MINUTE": str(updates_per_minute), "SIM_CURHAT_SEED": str(seed),
                           "SIM_CURHAT_ODD_MOVE_RATIO": str(odd_moves)}}


async def run(args: argparse.Namespace) -> int:
    folder = scratch_folder("palapa-chaos-")
    writers = simulator_env(args.seed, args.complaints_per_minute, args.updates_per_minute, args.odd_moves)
    stack = Stack(scratch_settings(folder), durable=False, simulate=True, only=(*CURHAT_FLOW, *messages.PROCESSES),
                  extra_env={**writers, **messages.env()},
                  progress=lambda line: print("  " + line, flush=True))
    seconds = args.minutes * 60
    kills = args.kills if args.kills is not None else max(2, round(seconds / 30))
    print(f"chaos: seed {args.seed}, {args.minutes:g} min, {kills} kills, {args.odd_moves:.0%} odd staff moves "
          f"(replay with --seed {args.seed})", flush=True)
    ok = False
    try:
        await stack.start()
        outcome = await ordeal(stack, random.Random(args.seed), seconds, kills, args.quiet, args.settle_timeout)
        for line in outcome.lines():
            print(line)
        ok = outcome.ok
        if not ok:
            print(f"logs kept in {stack.logs}")
        return 0 if ok else 1
    finally:
        stack.stop()
        if ok and not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="palapa chaos", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=5)
    p.add_argument("--seed", type=int, default=random.SystemRandom().randrange(1_000_000))
    p.add_argument("--kills", type=int, default=None, help="kills in all (default: one per 30 s, at least 2)")
    p.add_argument("--complaints-per-minute", type=float, default=600)
    p.add_argument("--updates-per-minute", type=float, default=1200)
    p.add_argument("--odd-moves", type=float, default=0.25,
                   help="share of staff moves that go back, reopen, repeat a stage or write a free-text code")
    p.add_argument("--quiet", type=float, default=15, help="seconds without change that count as quiet")
    p.add_argument("--settle-timeout", type=float, default=180, help="seconds to wait for the views to settle")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (logs) even on success")
    return p


def main(argv: list[str] | None = None) -> None:
    sys.exit(asyncio.run(run(parser().parse_args(argv))))


if __name__ == "__main__":
    main()
