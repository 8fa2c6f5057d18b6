"""What /readyz and /metrics read beyond "connected": consumer progress and the outbox's state.

Probes answer within PROBE_SECONDS whatever the database does: a check that does not answer in time is
reported as such (and left to finish on its own: cancelling it would wait on the same frozen server), and
/metrics renders only what is in memory, the outbox gauges being refreshed by a background loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from .metrics import Metrics

#: A consumer behind its partition's end whose position has not moved for this long is stuck.
STUCK_AFTER_SECONDS = 30.0
#: An outbox whose oldest waiting row is older than this cannot drain (the relay sends ~10k rows/s).
OUTBOX_STALLED_AFTER_SECONDS = 30.0
#: Each check behind /readyz answers within this (an orchestrator's probe times out after a few seconds).
PROBE_SECONDS = 1.5

T = TypeVar("T")


class ProbeTimeout(Exception):
    """A check gave no answer within its bound."""


class Bounded(Generic[T]):
    """A check that answers within `within` seconds: its result, or ProbeTimeout.

    One check at a time: while one still waits (a frozen database), callers wait on that one rather than
    piling more onto the pool; it is never cancelled, since its clean-up would wait on the same server.
    """

    def __init__(self, check: Callable[[], Awaitable[T]], within: float = PROBE_SECONDS, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.check, self.within, self.clock = check, within, clock
        self._task: asyncio.Task | None = None
        self._started = 0.0

    async def __call__(self) -> T:
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self.check())
            self._task.add_done_callback(_retrieve)
            self._started = self.clock()
        task = self._task
        await asyncio.wait({task}, timeout=self.within)
        if not task.done():
            raise ProbeTimeout(f"no answer within {self.within:g} s (waiting for {self.clock() - self._started:.0f} s)")
        return task.result()


def _retrieve(task: asyncio.Future) -> None:
    # a check whose caller stopped waiting still has its exception read, so asyncio does not log it as lost
    if not task.cancelled():
        task.exception()


@dataclass(frozen=True)
class Standing:
    """Where a consumed partition stands: `waiting_since` is when records began waiting on a position that
    has not moved since (None while the consumer is at the end)."""

    position: int
    end: int
    waiting_since: float | None


def advance(seen: Standing | None, position: int, end: int, now: float) -> Standing:
    """The standing after an observation. The wait starts when records are first seen waiting, or when the
    position last moved, whichever is later: an idle consumer that gets work is not stuck at once."""
    if end <= position:
        return Standing(position, end, None)
    if seen is None or seen.position != position or seen.waiting_since is None:
        return Standing(position, end, now)
    return Standing(position, end, seen.waiting_since)


def stuck_for(standing: Standing, now: float, after: float) -> float | None:
    """Seconds without progress while records wait, once that reaches `after`; None otherwise."""
    if standing.waiting_since is None or standing.end <= standing.position:
        return None
    waited = now - standing.waiting_since
    return waited if waited >= after else None


class ConsumerProgress:
    """Where each consumed partition stands; `stuck()` names those with records waiting `stuck_after`
    seconds on a position that does not move (the rule: `advance` and `stuck_for`).

    The consumer calls `observe` after each batch and the runtime samples every second between batches;
    `forget` when a partition is revoked (another replica owns it now). A consumer that hangs keeps its
    last position while the end moves on, so the partition turns up as stuck once the time has passed.
    """

    def __init__(
        self,
        metrics: Metrics | None = None,
        *,
        stuck_after: float = STUCK_AFTER_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.metrics, self.stuck_after, self.clock = metrics, stuck_after, clock
        self._partitions: dict[tuple[str, int], Standing] = {}

    def observe(self, topic: str, partition: int, position: int, end: int) -> None:
        """The consumer's committed position (next offset to read) and the partition's end offset."""
        key = (topic, partition)
        self._partitions[key] = advance(self._partitions.get(key), position, end, self.clock())
        if self.metrics is not None:
            self.metrics.consumer_lag.labels(topic=topic, partition=partition).set(max(end - position, 0))

    def standing(self, topic: str, partition: int) -> Standing | None:
        return self._partitions.get((topic, partition))

    def forget(self, topic: str, partition: int) -> None:
        """The partition is no longer this consumer's."""
        self._partitions.pop((topic, partition), None)
        if self.metrics is not None:
            self.metrics.consumer_lag.remove(topic=topic, partition=partition)

    def partitions(self, now: float | None = None) -> list[dict]:
        """Every partition this process consumes now: its position, the end, the lag and whether it is stuck."""
        now = self.clock() if now is None else now
        return [{"topic": topic, "partition": partition, "position": p.position, "end": p.end,
                 "lag": max(p.end - p.position, 0), "stuck": stuck_for(p, now, self.stuck_after) is not None}
                for (topic, partition), p in sorted(self._partitions.items())]

    def stuck(self, now: float | None = None) -> list[str]:
        """One line per partition with records waiting and a position unchanged for `stuck_after` seconds."""
        now = self.clock() if now is None else now
        lines = []
        for (topic, partition), p in sorted(self._partitions.items()):
            waited = stuck_for(p, now, self.stuck_after)
            if waited is not None:
                lines.append(f"{topic}[{partition}] at offset {p.position}, {p.end - p.position} behind, "
                             f"unmoved for {waited:.0f} s")
        return lines


@dataclass(frozen=True)
class OutboxState:
    backlog: int
    parked: int
    oldest_waiting: datetime | None
    last_park_reason: str | None = None

    def stalled(self, now: datetime, after: float = OUTBOX_STALLED_AFTER_SECONDS) -> str | None:
        """Why the outbox cannot drain, or None while it does."""
        if self.oldest_waiting is None:
            return None
        age = (now - self.oldest_waiting).total_seconds()
        if age < after:
            return None
        return f"stalled: oldest unpublished row waits {age:.0f} s ({self.backlog} waiting)"

    def parked_note(self) -> str:
        if not self.parked:
            return "none"
        return f"{self.parked} rows parked, last: {(self.last_park_reason or '')[:200]}"


async def outbox_state(engine: AsyncEngine, table: Table) -> OutboxState:
    """Waiting and parked rows of the outbox, in one query over its unpublished rows (a partial index)."""
    t = table
    waiting = t.c.parked_at.is_(None)
    async with engine.connect() as conn:
        row = (await conn.execute(
            select(
                func.count().filter(waiting),
                func.count().filter(~waiting),
                func.min(t.c.created_at).filter(waiting),
            ).where(t.c.published_at.is_(None))
        )).one()
        reason = None
        if row[1]:
            reason = await conn.scalar(
                select(t.c.park_reason).where(t.c.published_at.is_(None), ~waiting)
                .order_by(t.c.parked_at.desc()).limit(1)
            )
    return OutboxState(backlog=row[0], parked=row[1], oldest_waiting=row[2], last_park_reason=reason)


def count_outbox(metrics: Metrics, state: OutboxState) -> None:
    """Set the outbox gauges /metrics renders (the runtime's background loop calls it)."""
    metrics.outbox_backlog.set(state.backlog)
    metrics.outbox_parked.set(state.parked)
    metrics.outbox_counted.set(time.time())


#: Parts of /readyz that inform operators without making the service unready.
#: A parked outbox row is one poison event held for an operator while every other key flows on; all
#: replicas share the outbox, so failing readiness for it would take the whole service out of load
#: balancing for one bad row and fix nothing.
INFORMATIONAL = ("outbox_parked",)


async def database_parts(engine: AsyncEngine, table: Table) -> dict[str, str]:
    """The database answers and the outbox drains (parked rows are shown); run it `Bounded`."""
    async with engine.connect() as conn:
        await conn.execute(select(1))
    state = await outbox_state(engine, table)
    return {"database": "ok", "outbox": state.stalled(datetime.now(UTC)) or "ok",
            "outbox_parked": state.parked_note()}


def database_failed(exc: BaseException) -> dict[str, str]:
    """The parts of `database_parts` when it failed or gave no answer in time."""
    return {"database": f"error: {_brief(exc)}", "outbox": "unknown: the database does not answer"}


def consumer_parts(progress: ConsumerProgress) -> dict[str, str]:
    stuck = progress.stuck()
    return {"consumers": "stuck: " + "; ".join(stuck) if stuck else "ok"}


def _brief(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 300 else text[:300] + "…"
