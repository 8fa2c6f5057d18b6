"""Idempotent consumption: the event id is recorded in the same transaction as the effect.

A message that cannot be read (bad envelope, invalid payload, an event type its topic does not carry,
a domain refusal) is dead-lettered: kept
in the service's `dead_letters` table and announced on the dead-letter topic, and consumption goes on.
A failure of our own side (database away) is retried: the offset is not committed and the message
comes again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace
from sqlalchemy import MetaData
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from palapa.contracts.envelope import Envelope, EnvelopeError, from_kafka
from palapa.contracts.events import EventDeadLettered

from .outbox import Outbox
from .tables import dead_letters_table, inbox_table

log = logging.getLogger(__name__)


class RejectedEventError(ValueError):
    """The domain refuses this event for good (retrying cannot help): dead-letter it."""


@dataclass(frozen=True)
class Record:
    """The parts of a Kafka record a consumer needs (independent of the client library)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]

    @classmethod
    def of(cls, raw) -> Record:
        """From an aiokafka ConsumerRecord (FastStream's `msg.raw_message`)."""
        return cls(raw.topic, raw.partition, raw.offset, raw.key, raw.value, tuple(raw.headers or ()))


#: Runs inside the inbox transaction; what it returns is handed to the after-commit hook.
Effect = Callable[[AsyncSession, Envelope], Awaitable[Any]]


@dataclass(frozen=True)
class Handled:
    """What became of one record: 'done', 'duplicate' or 'dead-lettered', and the effect's result."""

    outcome: str
    envelope: Envelope | None = None
    result: Any = None


class Inbox:
    """Runs an effect exactly once per event id, dead-lettering what cannot be handled."""

    def __init__(self, metadata: MetaData, outbox: Outbox, consumer: str, source: str) -> None:
        self.table = inbox_table(metadata)
        self.dead_letters = dead_letters_table(metadata)
        self.outbox = outbox
        self.consumer = consumer
        self.source = source

    async def handle(
        self, sessions: async_sessionmaker, record: Record, effect: Effect, accepts: tuple[str, ...] | None = None
    ) -> Handled:
        """Process one record exactly once per event id. Raises on a transient failure (the record comes again).

        `accepts`: the event types the effect takes (its topic's); any other is dead-lettered unapplied.
        """
        try:
            envelope = from_kafka(record.key, record.value, record.headers)
        except EnvelopeError as exc:
            await self._dead_letter(sessions, record, str(exc))
            return Handled("dead-lettered")
        if accepts is not None and envelope.type not in accepts:
            reason = f"{record.topic} does not carry {envelope.type} (only {', '.join(accepts)})"
            await self._dead_letter(sessions, record, reason)
            return Handled("dead-lettered", envelope)
        span = trace.get_current_span()
        span.set_attribute("cloudevents.event_id", envelope.id)
        span.set_attribute("cloudevents.event_type", envelope.type)
        span.set_attribute("cloudevents.event_subject", envelope.subject)
        try:
            async with sessions() as session, session.begin():
                fresh = await session.execute(
                    insert(self.table)
                    .values(event_id=envelope.id, event_type=envelope.type, processed_at=datetime.now(UTC))
                    .on_conflict_do_nothing()
                    .returning(self.table.c.event_id)
                )
                if fresh.first() is None:
                    return Handled("duplicate", envelope)
                result = await effect(session, envelope)
        except RejectedEventError as exc:
            await self._dead_letter(sessions, record, str(exc))
            return Handled("dead-lettered", envelope)
        self.outbox.wake()
        return Handled("done", envelope, result)

    async def _dead_letter(self, sessions: async_sessionmaker, record: Record, reason: str) -> None:
        log.warning("%s dead-letters %s[%d]@%d: %s", self.consumer, record.topic, record.partition, record.offset, reason)
        headers = {k: v.decode("utf-8", "replace") for k, v in record.headers}
        key = record.key.decode("utf-8", "replace") if record.key else None
        value = (record.value or b"").decode("utf-8", "replace")
        raw = record.value or b""
        now = datetime.now(UTC)
        async with sessions() as session, session.begin():
            await session.execute(
                self.dead_letters.insert().values(
                    topic=record.topic, partition=record.partition, offset=record.offset,
                    key=record.key, headers=headers, value=raw, value_size=len(raw), reason=reason, at=now,
                )
            )
            event = EventDeadLettered(
                consumer=self.consumer, topic=record.topic, partition=record.partition, offset=record.offset,
                reason=reason, headers=headers, key=key, value=value, at=now,
            )
            await self.outbox.add(session, Envelope(event, source=self.source, subject=self.consumer))
        self.outbox.wake()


async def with_retry(attempt: Callable[[], Awaitable], *, tries: int = 5, first_delay: float = 0.2):
    """Retry a transient failure with backoff; after the last try, raise so the message is redelivered."""
    delay = first_delay
    for n in range(tries):
        try:
            return await attempt()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if n == tries - 1:
                raise
            log.warning("transient failure, retry in %.1fs: %s", delay, exc)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
    raise AssertionError("unreachable")

