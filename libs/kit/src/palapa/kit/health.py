"""What /readyz and /metrics read beyond "connected": consumer progress and the outbox's state."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from .metrics import Metrics

#: A consumer behind its partition's end whose position has not moved for this long is stuck.
STUCK_AFTER_SECONDS = 30.0
#: An outbox whose oldest waiting row is older than this cannot drain (the relay sends ~10k rows/s).
OUTBOX_STALLED_AFTER_SECONDS = 30.0


@dataclass
class _Partition:
    position: int
    end: int
    moved_at: float


class ConsumerProgress:
    """Where each consumed partition stands; `stuck()` names those behind their end and not moving.

    The consumer calls `observe` after each fetch or batch, and `forget` when a partition is revoked
    (another replica owns it now). A consumer that hangs stops observing: its last observation stays,
    so the partition turns up as stuck once the time has passed.
    """

    def __init__(
        self,
        metrics: Metrics | None = None,
        *,
        stuck_after: float = STUCK_AFTER_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.metrics, self.stuck_after, self.clock = metrics, stuck_after, clock
        self._partitions: dict[tuple[str, int], _Partition] = {}

    def observe(self, topic: str, partition: int, position: int, end: int) -> None:
        """The consumer's committed position (next offset to read) and the partition's end offset."""
        now = self.clock()
        seen = self._partitions.get((topic, partition))
        moved_at = now if seen is None or seen.position != position else seen.moved_at
        self._partitions[(topic, partition)] = _Partition(position, end, moved_at)
        if self.metrics is not None:
            self.metrics.consumer_lag.labels(topic=topic, partition=partition).set(max(end - position, 0))

    def forget(self, topic: str, partition: int) -> None:
        """The partition is no longer this consumer's."""
        self._partitions.pop((topic, partition), None)
        if self.metrics is not None:
            self.metrics.consumer_lag.remove(topic=topic, partition=partition)

    def stuck(self, now: float | None = None) -> list[str]:
        """One line per partition with records waiting and a position unchanged for `stuck_after` seconds."""
        now = self.clock() if now is None else now
        return [
            f"{topic}[{partition}] at offset {p.position}, {p.end - p.position} behind, "
            f"unmoved for {now - p.moved_at:.0f} s"
            for (topic, partition), p in sorted(self._partitions.items())
            if p.end > p.position and now - p.moved_at >= self.stuck_after
        ]


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


async def scrape(metrics: Metrics, engine: AsyncEngine, table: Table) -> bytes:
    """The Prometheus text of one service, with the outbox gauges counted now."""
    state = await outbox_state(engine, table)
    metrics.outbox_backlog.set(state.backlog)
    metrics.outbox_parked.set(state.parked)
    return metrics.render()


#: Parts of /readyz that inform operators without making the service unready.
#: A parked outbox row is one poison event held for an operator while every other key flows on; all
#: replicas share the outbox, so failing readiness for it would take the whole service out of load
#: balancing for one bad row and fix nothing.
INFORMATIONAL = ("outbox_parked",)


async def pipeline_parts(engine: AsyncEngine, table: Table, progress: ConsumerProgress) -> dict[str, str]:
    """Readiness beyond connections: the outbox drains, no consumer is stuck; parked rows are shown."""
    parts = {}
    try:
        state = await outbox_state(engine, table)
        parts["outbox"] = state.stalled(datetime.now(UTC)) or "ok"
        parts["outbox_parked"] = state.parked_note()
    except Exception as exc:  # readiness reports, never raises
        parts["outbox"] = f"error: {exc}"
    stuck = progress.stuck()
    parts["consumers"] = "stuck: " + "; ".join(stuck) if stuck else "ok"
    return parts
