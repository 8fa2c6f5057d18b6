"""One relay batch: pick the rows that may go, send them, then mark, park or leave each (no per-row round trip).

Order per (topic, key) is kept: a parked row holds back the later rows of its key (they wait behind it),
never the rest of the topic; rows without a key are never held back (Kafka spreads them anyway).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace
from sqlalchemy import BigInteger, Table, any_, bindparam, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from .failures import check_record_size, is_transient
from .telemetry import context_from

log = logging.getLogger("palapa.kit.outbox")

#: a park reason longer than this is cut (it is for operators to read, not to store a traceback)
REASON_MAX = 2000


def pending(t: Table, batch: int):
    """Unpublished, unparked rows in id order, without those queued behind a parked row of their key.

    Written as NOT EXISTS so PostgreSQL walks the unpublished index in id order and stops at `batch` rows (the
    parked rows, looked up by their own small index, are few): a join with the blocked keys made it read the
    whole backlog at every batch, so a backlog of 500,000 rows was relayed in quadratic time (bench pbb)."""
    p = t.alias("parked")
    blocked = (
        select(p.c.id)
        .where(p.c.published_at.is_(None), p.c.parked_at.is_not(None), p.c.topic == t.c.topic, p.c.key == t.c.key,
               p.c.id < t.c.id)
        .exists()
    )
    return (
        select(t.c.id, t.c.event_id, t.c.topic, t.c.key, t.c.value, t.c.headers, t.c.trace)
        .where(t.c.published_at.is_(None), t.c.parked_at.is_(None), ~blocked)
        .order_by(t.c.id)
        .limit(batch)
    )


@dataclass
class Sent:
    """What happened to each row of a batch."""

    published: list[int] = field(default_factory=list)
    parked: list[tuple[Any, str]] = field(default_factory=list)  # (row, reason)
    transient: BaseException | None = None  # the first failure worth retrying (its rows stay unpublished)


async def send(rows, publish, tracer: trace.Tracer) -> Sent:
    """Hand every row to the producer without waiting for acknowledgements, then collect them all."""
    sent, issued, held = Sent(), [], set()
    recording = records_spans(tracer)
    for row in rows:
        if (row.topic, row.key) in held:
            continue  # an earlier row of this key failed in this batch: keep the key's order
        headers = dict(row.headers)
        try:
            check_record_size(row.key, row.value, headers)
            if not recording:
                # no span would be recorded: the cause's trace context travels as it is (a quarter of the
                # relay's time went into spans nobody sees, profiled with bench pbb)
                headers.update(row.trace or {})
                issued.append((row, await publish(row.topic, row.key, row.value, headers)))
                continue
            with tracer.start_as_current_span(
                f"{row.topic} publish", context=context_from(row.trace), kind=trace.SpanKind.PRODUCER,
                attributes={"messaging.system": "kafka", "messaging.destination.name": row.topic},
            ):
                issued.append((row, await publish(row.topic, row.key, row.value, headers)))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if is_transient(exc):
                sent.transient = exc
                break  # the broker is away: every later send would wait for it too
            sent.parked.append((row, _reason(exc)))
            if row.key is not None:
                held.add((row.topic, row.key))
    results = await asyncio.gather(*(delivery for _, delivery in issued), return_exceptions=True)
    for (row, _), result in zip(issued, results, strict=True):
        if not isinstance(result, BaseException):
            sent.published.append(row.id)
        elif isinstance(result, asyncio.CancelledError):
            raise result
        elif is_transient(result):
            sent.transient = sent.transient or result
        else:
            sent.parked.append((row, _reason(result)))
    return sent


async def record(conn: AsyncConnection, t: Table, sent: Sent) -> None:
    """Mark the acknowledged rows and park the refused ones: one statement each."""
    now = datetime.now(UTC)
    if sent.published:
        # one array parameter, not thousands of IN parameters (those cost more than the update, profiled)
        await conn.execute(update(t).where(t.c.id == any_(bindparam("ids", type_=ARRAY(BigInteger))))
                           .values(published_at=now), {"ids": sent.published})
    if sent.parked:
        await conn.execute(
            update(t).where(t.c.id == bindparam("row_id")).values(parked_at=now, park_reason=bindparam("reason")),
            [{"row_id": row.id, "reason": reason} for row, reason in sent.parked],
        )
        for row, reason in sent.parked:
            log.error("outbox row %d (event %s, topic %s, key %r) parked, its key waits behind it: %s",
                      row.id, row.event_id, row.topic, _short(row.key), reason)


def records_spans(tracer: trace.Tracer) -> bool:
    """Whether this tracer records spans (it does not when there is nowhere to send them: telemetry.setup_tracing)."""
    probe = tracer.start_span("outbox relay probe")
    probe.end()
    return probe.is_recording() or probe.get_span_context().trace_flags.sampled


def _reason(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".replace("\x00", "")
    return text if len(text) <= REASON_MAX else text[:REASON_MAX] + "…"


def _short(key: bytes | None) -> bytes | None:
    return key if key is None or len(key) <= 80 else key[:80] + b"..."
