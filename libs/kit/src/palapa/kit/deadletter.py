"""Dead letters that cannot fail: what PostgreSQL or the broker would refuse is cut or stripped, and said so.

A record is kept as raw bytes (cut at MAX_VALUE_BYTES, with its original size), its headers as text with
NUL removed, and the reason; the EventDeadLettered announcing it carries at most MAX_EVENT_VALUE_CHARS of
the value, so escaping a binary value can never make the event larger than the broker accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import EventDeadLettered

MAX_VALUE_BYTES = 1024 * 1024  # kept in the table
MAX_EVENT_VALUE_CHARS = 64 * 1024  # announced on the dead-letter topic (JSON escaping may grow it ~6x)
MAX_KEY_BYTES = 1024
MAX_HEADER_CHARS = 1024
MAX_HEADERS = 64
MAX_REASON_CHARS = 2000


@dataclass(frozen=True)
class Incoming:
    """The parts of a Kafka record a consumer needs (independent of the client library)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]

    @classmethod
    def of(cls, raw) -> Incoming:
        """From an aiokafka ConsumerRecord."""
        return cls(raw.topic, raw.partition, raw.offset, raw.key, raw.value, tuple(raw.headers or ()))


def text(value: str, limit: int) -> str:
    """A string PostgreSQL text and JSON accept: NUL removed, at most `limit` characters (cut marked with …)."""
    value = value.replace("\x00", "")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def decoded(raw: bytes | None, limit: int) -> str:
    return text((raw or b"")[: limit * 4].decode("utf-8", "replace"), limit)


def dead_letter(record: Incoming, reason: str, consumer: str, source: str) -> tuple[dict, Envelope]:
    """The dead_letters row and the EventDeadLettered envelope for a record; both always storable."""
    now = datetime.now(UTC)
    value = record.value or b""
    headers = {text(str(k), MAX_HEADER_CHARS): decoded(v, MAX_HEADER_CHARS) for k, v in record.headers[:MAX_HEADERS]}
    reason = text(reason, MAX_REASON_CHARS)
    row = {
        "topic": record.topic, "partition": record.partition, "offset": record.offset,
        "key": None if record.key is None else record.key[:MAX_KEY_BYTES], "headers": headers,
        "value": value[:MAX_VALUE_BYTES], "value_size": len(value), "truncated": len(value) > MAX_VALUE_BYTES,
        "reason": reason, "at": now,
    }
    shown = decoded(value, MAX_EVENT_VALUE_CHARS)
    event = EventDeadLettered(
        consumer=consumer, topic=record.topic, partition=record.partition, offset=record.offset, reason=reason,
        headers=headers, key=None if record.key is None else decoded(record.key, MAX_KEY_BYTES), value=shown,
        value_size=len(value), truncated=len(shown.encode()) < len(value), at=now,
    )
    return row, Envelope(event, source=source, subject=consumer)
