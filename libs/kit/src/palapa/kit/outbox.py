"""Transactional outbox: the row and its event commit together; a relay publishes afterwards.

A broker outage leaves rows unpublished; the relay retries with backoff and resumes in order when the
broker is back (at-least-once). Replicas of a service share one outbox: a PostgreSQL advisory lock lets
one relay send at a time, so rows are neither sent twice nor reordered by two relays racing.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from opentelemetry import trace
from sqlalchemy import (
    Table,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from palapa.contracts.envelope import Envelope
from palapa.contracts.topics import topic_for

from .tables import outbox_table  # noqa: F401  (re-exported)
from .telemetry import context_from, current_traceparent

log = logging.getLogger(__name__)


class Outbox:
    """Adds events to the outbox inside the caller's transaction, and relays them to Kafka."""

    def __init__(self, table: Table) -> None:
        self.table = table
        # one lock per outbox table, the same number in every replica
        digest = hashlib.blake2b(f"palapa.outbox:{table.fullname}".encode(), digest_size=8).digest()
        self.lock_key = int.from_bytes(digest, "big", signed=True)
        self._wake = asyncio.Event()
        self._stopping = False

    async def add(self, session: AsyncSession, envelope: Envelope, topic: str | None = None) -> None:
        """Stage one event in the caller's transaction (the caller commits)."""
        await session.execute(self.table.insert().values(self.row(envelope, current_traceparent(), topic)))

    async def stage(self, session: AsyncSession, rows: Sequence[dict]) -> None:
        """Stage many rows (from `row`) in the caller's transaction, in one statement."""
        if rows:
            await session.execute(self.table.insert(), list(rows))

    @staticmethod
    def row(envelope: Envelope, trace_context: dict[str, str], topic: str | None = None) -> dict:
        """The outbox row of an event; `trace_context` is the W3C context of what caused it."""
        key, value, headers = envelope.to_kafka()
        return {
            "event_id": envelope.id, "topic": topic or topic_for(envelope.data).name, "key": key, "value": value,
            "headers": headers, "trace": trace_context, "created_at": datetime.now(UTC),
        }

    def stop(self) -> None:
        """Ask the relay to finish the batch in flight (so it is marked, not re-sent after a restart) and end."""
        self._stopping = True
        self._wake.set()

    def wake(self) -> None:
        """Tell the relay that a transaction with outbox rows just committed."""
        self._wake.set()

    async def relay(
        self, engine: AsyncEngine, publish, tracer: trace.Tracer, *, batch: int = 500, poll_s: float = 0.5,
        keep_published: timedelta = timedelta(days=1),
    ) -> None:
        """Publish unpublished rows forever, in id order; `publish(topic, key, value, headers)` sends one
        and returns a delivery future. Published rows are pruned after `keep_published`."""
        backoff = 0.2
        last_prune = 0.0
        loop = asyncio.get_running_loop()
        while not self._stopping:
            try:
                sent = await self.relay_once(engine, publish, tracer, batch=batch)
                backoff = 0.2
                if loop.time() - last_prune > 60:
                    await self.prune(engine, keep_published)
                    last_prune = loop.time()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker or database away: keep the rows, retry later
                log.warning("outbox relay paused %.1fs: %s", backoff, exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if sent < batch and not self._stopping:
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=poll_s)
                except TimeoutError:
                    pass
                self._wake.clear()

    async def relay_once(self, engine: AsyncEngine, publish, tracer: trace.Tracer, *, batch: int = 500) -> int:
        """Send one batch without waiting for each acknowledgement (the producer keeps per-partition order),
        then mark the whole batch published in one statement. Returns 0 while another replica's relay holds
        the lock (this one stands by and tries again on its next wake or poll)."""
        t = self.table
        # the lock lives as long as this transaction: released on commit, or when a crashed relay's
        # connection closes, so a standby replica takes over
        async with engine.begin() as conn:
            if not await conn.scalar(select(func.pg_try_advisory_xact_lock(self.lock_key))):
                return 0
            rows = (
                await conn.execute(select(t).where(t.c.published_at.is_(None)).order_by(t.c.id).limit(batch))
            ).all()
            if not rows:
                return 0
            deliveries = []
            for row in rows:
                with tracer.start_as_current_span(
                    f"outbox publish {row.topic}", context=context_from(row.trace), kind=trace.SpanKind.INTERNAL
                ):
                    deliveries.append(await publish(row.topic, row.key, row.value, dict(row.headers)))
            await asyncio.gather(*deliveries)
            await conn.execute(
                update(t).where(t.c.id.in_([r.id for r in rows])).values(published_at=datetime.now(UTC))
            )
        return len(rows)

    async def prune(self, engine: AsyncEngine, keep: timedelta) -> None:
        t = self.table
        async with engine.begin() as conn:
            await conn.execute(delete(t).where(t.c.published_at < datetime.now(UTC) - keep))
