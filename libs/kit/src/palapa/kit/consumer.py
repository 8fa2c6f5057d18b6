"""Batch consumption with an idempotent inbox: one transaction per batch, a poison record dead-lettered alone.

A batch is applied in one transaction: the inbox claims every event id in one statement (a duplicate
changes nothing), the effect applies the fresh events in order, and the events it publishes, the dead
letters and the inbox rows commit together. When the batch fails for a reason retrying cannot help, it is
applied again record by record, so the poison record is dead-lettered alone and the good ones go on.
A transient failure (database or broker away) raises: the caller retries the whole batch with backoff.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.propagate import extract, inject
from sqlalchemy import MetaData, delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from palapa.contracts.envelope import Envelope, from_kafka

from .deadletter import Incoming, dead_letter
from .failures import PermanentError, describe, is_transient
from .metrics import Metrics
from .outbox import Outbox
from .signing import Verifier
from .tables import EVENT_ID_MAX, dead_letters_table, inbox_table
from .uow import Done, Refused

log = logging.getLogger(__name__)

MAX_LINKS = 32


class RejectedEventError(PermanentError):
    """The domain refuses this event for good (retrying cannot help): dead-letter it."""


class Outcome(StrEnum):
    DONE = "done"
    DUPLICATE = "duplicate"
    DEAD_LETTERED = "dead_lettered"


@dataclass(frozen=True)
class Delivery:
    """A fresh event handed to an effect, with the trace context of its processing (store it with what it causes)."""

    envelope: Envelope
    trace_context: dict[str, str]
    producer: str | None = None  # the app whose registered key signed it (verified), None when not verifying


#: Applies fresh events in order inside the batch's transaction; one Done | Refused | None per delivery.
BatchEffect = Callable[[AsyncSession, Sequence[Delivery]], Awaitable[Sequence[Done | Refused | None]]]
#: A one-event effect; raises RejectedEventError to refuse.
EventEffect = Callable[[AsyncSession, Envelope], Awaitable[Done | None]]
AfterCommit = Callable[[Envelope, Any], Awaitable[None] | None]


def each(effect: EventEffect) -> BatchEffect:
    """A one-event effect as a batch effect: each event in a savepoint, so a refusal undoes only its own writes."""

    async def batch(session: AsyncSession, deliveries: Sequence[Delivery]) -> list[Done | Refused | None]:
        out: list[Done | Refused | None] = []
        for delivery in deliveries:
            token = otel_context.attach(extract(delivery.trace_context))
            try:
                async with session.begin_nested():
                    out.append(await effect(session, delivery.envelope))
            except RejectedEventError as exc:
                out.append(Refused(str(exc)))
            finally:
                otel_context.detach(token)
        return out

    batch.__name__ = getattr(effect, "__name__", "effect")
    return batch


@dataclass
class _Item:
    record: Incoming
    envelope: Envelope | None
    reason: str | None  # why it cannot be applied (dead-letter it), None when it can
    span: trace.Span
    trace_context: dict[str, str]
    producer: str | None = None
    outcome: Outcome | None = None
    result: Any = None


class Consumer:
    """Applies batches of one topic's records to a service through its inbox."""

    def __init__(
        self, *, name: str, source: str, metadata: MetaData, sessions: async_sessionmaker, outbox: Outbox,
        effect: BatchEffect, accepts: tuple[str, ...], tracer: trace.Tracer, metrics: Metrics,
        after_commit: AfterCommit | None = None, verifier: Verifier | None = None,
    ) -> None:
        self.name, self.source = name, source
        self.inbox, self.dead_letters = inbox_table(metadata), dead_letters_table(metadata)
        self.sessions, self.outbox, self.effect, self.accepts = sessions, outbox, effect, accepts
        self.tracer, self.metrics, self.after_commit = tracer, metrics, after_commit
        self.verifier = verifier

    async def handle(self, records: Sequence[Incoming]) -> list[Outcome]:
        """Apply a batch in order; raises only when retrying the whole batch can help."""
        if self.verifier is not None:
            await self.verifier.ensure(records)  # the keys they name (a key service away: raises, retried)
        items = [self._read(r) for r in records]
        try:
            try:
                await self._apply(items)
            except Exception as exc:
                if is_transient(exc):
                    raise
                log.warning("%s: a batch of %d failed (%s); applying its records one by one",
                            self.name, len(items), describe(exc))
                for item in items:
                    await self._apply_alone(item)
            for item in items:
                await self._after_commit(item)
        finally:
            for item in items:
                item.span.end()
        for outcome, n in Counter(item.outcome for item in items).items():
            self.metrics.consumed.labels(topic=items[0].record.topic, outcome=outcome.value).inc(n)
        return [item.outcome for item in items]

    def _read(self, record: Incoming) -> _Item:
        carrier = {k: v.decode("utf-8", "replace") for k, v in record.headers if k in ("traceparent", "tracestate")}
        span = self.tracer.start_span(
            f"{record.topic} process", context=extract(carrier), kind=trace.SpanKind.CONSUMER,
            attributes={"messaging.system": "kafka", "messaging.destination.name": record.topic,
                        "messaging.kafka.partition": record.partition, "messaging.kafka.offset": record.offset,
                        "messaging.consumer.group.name": self.name},
        )
        context: dict[str, str] = {}
        inject(context, context=trace.set_span_in_context(span))
        envelope, reason, producer = None, None, None
        try:
            envelope = from_kafka(record.key, record.value, record.headers)
        except Exception as exc:  # EnvelopeError, or anything odd input makes a parser raise
            reason = str(exc) or type(exc).__name__
        if envelope is not None:
            if len(envelope.id) > EVENT_ID_MAX or not envelope.id.isprintable():
                reason = f"ce_id must be at most {EVENT_ID_MAX} printable characters (got {len(envelope.id)})"
            elif envelope.type not in self.accepts:
                reason = f"{record.topic} does not carry {envelope.type} (only {', '.join(self.accepts)})"
            else:
                verdict = self.verifier.check(record.key, record.value, record.headers) if self.verifier else None
                if verdict is not None and verdict.reason is not None:
                    reason = f"signature refused: {verdict.reason}"  # before any effect: its producer is unproven
                else:
                    producer = verdict.app if verdict is not None else None
                    span.set_attribute("cloudevents.event_id", envelope.id)
                    span.set_attribute("cloudevents.event_type", envelope.type)
                    span.set_attribute("cloudevents.event_subject", envelope.subject[:200])
        return _Item(record, envelope, reason, span, context, producer)

    async def _apply(self, items: list[_Item]) -> None:
        """Everything in one transaction; sets each item's outcome only once it committed."""
        outcomes: dict[int, tuple[Outcome, Any]] = {}
        async with self.sessions() as session, session.begin():
            candidates = [i for i in items if i.reason is None]
            fresh = await self._claim(session, [i.envelope for i in candidates])
            todo = []
            for item in candidates:
                if item.envelope.id in fresh:
                    fresh.discard(item.envelope.id)  # a second copy within the batch is a duplicate
                    todo.append(item)
                else:
                    outcomes[id(item)] = (Outcome.DUPLICATE, None)
            results = await self._run_effect(session, todo) if todo else []
            staged, dead = [], []
            for item, result in zip(todo, results, strict=True):
                if isinstance(result, Refused):
                    dead.append((item, result.reason))
                    continue
                if isinstance(result, Done):
                    staged.extend(Outbox.row(e, item.trace_context) for e in result.publish)
                outcomes[id(item)] = (Outcome.DONE, result.result if isinstance(result, Done) else None)
            if dead:  # a refused event had no effect: its claim goes, so a re-drive after a fix is applied
                await session.execute(delete(self.inbox).where(self.inbox.c.event_id.in_(
                    [i.envelope.id for i, _ in dead])))
            dead.extend((i, i.reason) for i in items if i.reason is not None)
            for item, reason in dead:
                row, event = dead_letter(item.record, reason, self.name, self.source)
                await session.execute(self.dead_letters.insert().values(**row))
                staged.append(Outbox.row(event, item.trace_context))
                outcomes[id(item)] = (Outcome.DEAD_LETTERED, None)
                self._log_dead_letter(item, row["reason"])
            await self.outbox.stage(session, staged)
        if staged:
            # at once, before the after-commit hooks (e.g. SSE pushes) run: the relay sends while they work
            self.outbox.wake()
        for item in items:
            item.outcome, item.result = outcomes[id(item)]

    async def _run_effect(self, session: AsyncSession, todo: list[_Item]) -> Sequence[Done | Refused | None]:
        deliveries = [Delivery(i.envelope, i.trace_context, i.producer) for i in todo]
        # one event: its own span is the current one (its database spans join its trace); a batch gets a span
        # of its own, linked to each event's
        if len(todo) == 1:
            with trace.use_span(todo[0].span, end_on_exit=False):
                results = await self.effect(session, deliveries)
        else:
            # linked to its events' spans (the first MAX_LINKS: a link costs, and SDKs keep 128 at most)
            links = [trace.Link(i.span.get_span_context()) for i in todo[:MAX_LINKS]]
            with self.tracer.start_as_current_span(f"{self.name} batch", links=links,
                                                   attributes={"messaging.batch.message_count": len(todo)}):
                results = await self.effect(session, deliveries)
        if len(results) != len(todo):
            raise RuntimeError(f"effect returned {len(results)} results for {len(todo)} events")
        return results

    async def _apply_alone(self, item: _Item) -> None:
        """One record in its own transaction; if it still fails for good, dead-letter it with the reason."""
        for attempt in (1, 2):  # a second try settles a race with another consumer (e.g. a unique key)
            try:
                await self._apply([item])
                return
            except Exception as exc:
                if is_transient(exc):
                    raise
                failure = exc
                log.debug("%s: record %s attempt %d failed: %s", self.name, _where(item.record), attempt, describe(exc))
        item.reason = describe(failure)
        item.envelope = None
        try:
            await self._apply([item])
        except Exception as exc:
            if is_transient(exc):
                raise
            # dead-lettering is built not to fail; if it does, say so loudly and never hold the stream up
            log.error("%s: could not dead-letter %s (%s); it is skipped", self.name, _where(item.record), describe(exc))
            item.outcome = Outcome.DEAD_LETTERED

    async def _claim(self, session: AsyncSession, envelopes: list[Envelope]) -> set[str]:
        """Record every event id not seen before, in one statement; returns those that are fresh."""
        rows, seen = [], set()
        now = datetime.now(UTC)
        for e in envelopes:
            if e.id not in seen:
                seen.add(e.id)
                rows.append({"event_id": e.id, "event_type": e.type, "processed_at": now})
        if not rows:
            return set()
        # executemany with RETURNING: one cached statement, sent as multi-row INSERTs (insertmanyvalues)
        result = await session.execute(
            insert(self.inbox).on_conflict_do_nothing().returning(self.inbox.c.event_id), rows
        )
        return set(result.scalars())

    async def _after_commit(self, item: _Item) -> None:
        if self.after_commit is None or item.outcome is not Outcome.DONE:
            return
        try:
            with trace.use_span(item.span, end_on_exit=False):
                pending = self.after_commit(item.envelope, item.result)
                if pending is not None:
                    await pending
        except Exception:  # committed already: a failing live push must not redo the batch
            log.exception("%s: after-commit hook failed for %s", self.name, _where(item.record))

    def _log_dead_letter(self, item: _Item, reason: str) -> None:
        log.warning("%s dead-letters %s: %s", self.name, _where(item.record), reason[:300])


def _where(record: Incoming) -> str:
    return f"{record.topic}[{record.partition}]@{record.offset}"
