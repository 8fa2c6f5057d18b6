"""`./palapa fuzz [--seed N] [--count N]`: generated hostile input against the running platform.

Starts the platform on free ports (Tansu, embedded PostgreSQL, every service, no simulator) in a temporary
folder and sends three kinds of seeded, generated poison, each followed by a valid canary that must still
arrive: legacy rows into Curhat Ning Ita's table, Kafka records on every topic some started service consumes
(as their AsyncAPI documents say) plus adversarial sequences of valid moves for one ticket (set back, repeated,
late), HTTP requests to every route. Prints what it sent and what became of it; exits 1 on any 5xx, stalled canary
or consumed topic left unfuzzed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sys
import time

import httpx
from sqlalchemy.ext.asyncio import create_async_engine

from palapa.contracts.events import EventDeadLettered, RowQuarantined
from palapa.contracts.topics import BRIDGE_QUARANTINE, DEAD_LETTERS
from palapa.curhat_legacy.writer import insert_complaint
from palapa.devstack import CURHAT_FLOW, Stack
from palapa.tools.scratch import scratch_folder, scratch_settings, staff_token
from palapa.tools.topic_count import envelopes, read_topic

from . import api as fuzz_api
from . import kafka as fuzz_kafka
from . import legacy as fuzz_legacy
from .events import GENERATORS
from .legacy import normal_row
from .report import Tally
from .topics import BY_NAME, consumed

KINDS = ("legacy", "kafka", "api")
#: every process that consumes a topic (the Curhat flow, tracking-svc, taxbill-svc): fuzz reaches each consumed topic
PROCESSES = (*CURHAT_FLOW, "tracking-svc", "taxbill-svc")
BRIDGE_APP = "curhat-ning-ita"


async def fuzz(stack: Stack, seed: int, count: int, kinds: tuple[str, ...], deadline_s: float) -> Tally:
    """Run the chosen kinds against a started stack; the returned Tally holds every figure."""
    tally = Tally()
    urls = {name: run.url for name, run in stack.running.items() if run.url}
    legacy = create_async_engine(stack.legacy_database_url)
    per_kind = max(1, count // len(kinds))
    try:
        # the views it checks open by ticket for staff only (issue 20): it reads as the complaints desk
        desk = {"Authorization": f"Bearer {await staff_token(stack, 'desk')}"}
        async with httpx.AsyncClient(timeout=10, headers=desk) as http:
            known = await _known_ticket(legacy, http, urls)
            consumers = await consumed(http, urls)
            # a consumed topic without a generator yet is said, not silently skipped (notify-svc's SLA messages)
            unfuzzed = sorted(t for t in consumers if t not in GENERATORS)
            if unfuzzed:
                print(f"fuzz: no generator yet for {', '.join(unfuzzed)}: not fuzzed", flush=True)
            consumers = {t: s for t, s in consumers.items() if t in GENERATORS}
            tally.topics = consumers
            # APIs first, the streams after: a stalled stream must not be blamed on the next kind's inputs
            # more than it has to (each stall is reported on its stream, with the poison just before it)
            for kind in sorted(kinds, key=("api", "kafka", "legacy").index):
                rng = random.Random(f"{seed}:{kind}")
                print(f"fuzz: {per_kind} {kind} inputs…", flush=True)
                if kind == "api":
                    await fuzz_api.run(http, urls, per_kind, rng, tally, known, deadline_s)
                elif kind == "kafka":
                    topics = [BY_NAME[t] for t in consumers]
                    await fuzz_kafka.run(stack.kafka, http, urls, legacy, topics, per_kind, seed, rng, tally,
                                         deadline_s, stack.tool_signer)
                else:
                    await fuzz_legacy.run(legacy, http, urls, per_kind, rng, tally, deadline_s)
    finally:
        await legacy.dispose()
    await _count_outcomes(stack.kafka, tally)
    return tally


async def _known_ticket(legacy, http: httpx.AsyncClient, urls: dict[str, str], timeout_s: float = 60) -> str:
    """A normal complaint through the whole platform before any poison: the API canaries ask for it."""
    ticket = f"CURHAT-{await insert_complaint(legacy, **normal_row(-1))}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with_case = (await http.get(f"{urls['complaint-svc']}/complaints/{ticket}")).status_code == 200
        if with_case and (await http.get(f"{urls['notify-svc']}/tickets/{ticket}")).status_code == 200:
            return ticket
        await asyncio.sleep(0.2)
    raise RuntimeError(f"{ticket} did not reach complaint-svc and notify-svc within {timeout_s}s, before any poison")


async def _count_outcomes(bootstrap: str, tally: Tally) -> None:
    quarantine, _ = envelopes(await read_topic(bootstrap, BRIDGE_QUARANTINE))
    tally.quarantined = sum(
        1 for e in quarantine if isinstance(e.data, RowQuarantined) and e.data.source_app == BRIDGE_APP
    )
    dead, unreadable = envelopes(await read_topic(bootstrap, DEAD_LETTERS))
    tally.dead_lettered = sum(1 for e in dead if isinstance(e.data, EventDeadLettered))
    if unreadable:
        tally.fail("kafka", f"{unreadable} unreadable records on {DEAD_LETTERS.name}", DEAD_LETTERS.name)


async def run(args: argparse.Namespace) -> int:
    folder = scratch_folder("palapa-fuzz-")
    stack = Stack(scratch_settings(folder), durable=False, simulate=False, only=PROCESSES, tool_key=True,
                  progress=lambda line: print("  " + line, flush=True))
    print(f"fuzz: seed {args.seed} (replay with --seed {args.seed})", flush=True)
    keep = args.keep
    try:
        await stack.start()
        tally = await fuzz(stack, args.seed, args.count, tuple(args.only.split(",")), args.deadline)
        for line in tally.lines():
            print(line)
        keep = keep or not tally.ok
        if keep:
            print(f"logs kept in {stack.logs}")
        return 0 if tally.ok else 1
    finally:
        stack.stop()
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="palapa fuzz", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=random.SystemRandom().randrange(1_000_000))
    p.add_argument("--count", type=int, default=300, help="inputs in all, shared by the kinds")
    p.add_argument("--only", default=",".join(KINDS), help="comma-separated kinds: legacy,kafka,api")
    p.add_argument("--deadline", type=float, default=30, help="seconds a canary may take")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (logs) afterwards")
    return p


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    unknown = set(args.only.split(",")) - set(KINDS)
    if unknown:
        sys.exit(f"palapa fuzz: unknown kind(s) {sorted(unknown)}; choose from {','.join(KINDS)}")
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
