"""Canaries: a valid input sent right after a poison one, that must still take effect within a deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from .report import Tally


@dataclass
class Canary:
    stream: str  # where it travels, e.g. "palapa.complaints.intake.v1 p2": a stall blocks what follows it
    name: str
    after: object  # the poison input sent just before it
    arrived: Callable[[], Awaitable[bool]]
    done: bool = False


async def wait_all(canaries: list[Canary], tally: Tally, kind: str, deadline_s: float) -> None:
    """Poll every canary until it arrived or the deadline passed; count and describe the stalled ones.

    Inputs are sent first and canaries awaited together, so a stalled stream costs one deadline, not one
    per input. Per stream, the poison sent just before the first stalled canary is the one to look at;
    later stalls on that stream are counted too (everything behind a stall is stuck).
    """
    tally.canaries += len(canaries)
    deadline = time.monotonic() + deadline_s
    pending = list(canaries)
    while pending and time.monotonic() < deadline:
        for canary in pending:
            try:
                canary.done = await canary.arrived()
            except httpx.HTTPError:
                canary.done = False  # a service that does not answer: not arrived (yet)
        pending = [c for c in pending if not c.done]
        if pending:
            await asyncio.sleep(0.3)
    tally.stalled += len(pending)
    first: dict[str, Canary] = {}
    for canary in pending:
        first.setdefault(canary.stream, canary)
    for stream, canary in first.items():
        behind = sum(1 for c in pending if c.stream == stream)
        tally.fail(kind, f"stalled canary on {stream} ({behind} stalled there)", canary.after,
                   f"canary {canary.name} not seen within {deadline_s:.0f}s")
