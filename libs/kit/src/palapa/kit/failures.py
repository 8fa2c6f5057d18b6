"""Which failures are worth retrying, and the largest record the platform sends.

A failure is transient only when retrying can help (the broker or database unreachable, a timeout, a
leader moving); anything else is permanent: the record is refused (dead letter, quarantine, parked row).
"""

from __future__ import annotations

import asyncio

from aiokafka import errors as kafka_errors
from sqlalchemy import exc as sa_errors

#: Largest record (key + value + headers) the kit stages or sends: below Kafka's default
#: message.max.bytes (1 MiB) and aiokafka's max_request_size (1 MiB), with room for the batch framing.
#: Tansu 0.6 enforces no limit at all (2 MB and 20 MB records were accepted), Apache Kafka does.
RECORD_MAX_BYTES = 900 * 1024


class PermanentError(ValueError):
    """Retrying cannot help: refuse the record (dead letter, quarantine, parked row) with this reason."""


class RecordTooLargeError(PermanentError):
    """A record larger than RECORD_MAX_BYTES: no broker of the platform would take it."""


# retriable in aiokafka's sense, or not flagged so but still passing (a timeout, a closing producer)
_TRANSIENT_KAFKA = (
    kafka_errors.KafkaTimeoutError,
    kafka_errors.BrokerNotAvailableError,
    kafka_errors.KafkaUnavailableError,
    kafka_errors.ReplicaNotAvailableError,
    kafka_errors.ProducerClosed,
)


def is_transient(exc: BaseException) -> bool:
    """True when retrying later can succeed (connection, timeout, leader election, database away)."""
    if isinstance(exc, PermanentError):
        return False
    if isinstance(exc, kafka_errors.KafkaError):
        return exc.retriable or isinstance(exc, _TRANSIENT_KAFKA)
    if isinstance(exc, (OSError, ConnectionError, asyncio.TimeoutError, TimeoutError)):
        return True
    if isinstance(exc, sa_errors.DBAPIError):
        return exc.connection_invalidated or isinstance(exc, (sa_errors.OperationalError, sa_errors.InterfaceError))
    return isinstance(exc, sa_errors.TimeoutError)


def record_size(key: bytes | None, value: bytes, headers: dict[str, str]) -> int:
    """Bytes a record carries (what the broker's size limit counts, framing aside)."""
    return len(key or b"") + len(value) + sum(len(k.encode()) + len(str(v).encode()) for k, v in headers.items())


def check_record_size(key: bytes | None, value: bytes, headers: dict[str, str]) -> None:
    """Refuse a record larger than RECORD_MAX_BYTES with its size in the reason."""
    size = record_size(key, value, headers)
    if size > RECORD_MAX_BYTES:
        raise RecordTooLargeError(f"record of {size:,} bytes is larger than the limit of {RECORD_MAX_BYTES:,} bytes")
