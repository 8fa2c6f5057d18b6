"""Which failures are worth retrying, and the largest record the platform sends.

A failure is transient only when retrying can help (the broker or database unreachable, a timeout, a
leader moving); anything else is permanent: the record is refused (dead letter, quarantine, parked row).
"""

from __future__ import annotations

import asyncio

import asyncpg.exceptions as pg
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


# the PostgreSQL driver's own classes (SQLAlchemy wraps them: the original is the cause of exc.orig)
_TRANSIENT_PG = (
    pg.PostgresConnectionError,  # connection lost or refused
    pg.OperatorInterventionError,  # shutdown, cannot connect now, query cancelled
    pg.InsufficientResourcesError,  # too many connections, disk full
    pg.TransactionRollbackError,  # serialization failure, deadlock
    pg.LockNotAvailableError,
    pg.InterfaceError,
)


def is_transient(exc: BaseException) -> bool:
    """True when retrying later can succeed (connection, timeout, leader election, database away)."""
    if isinstance(exc, PermanentError):
        return False
    if isinstance(exc, kafka_errors.KafkaError):
        return exc.retriable or isinstance(exc, _TRANSIENT_KAFKA)
    if isinstance(exc, (OSError, ConnectionError, asyncio.TimeoutError, TimeoutError)):
        return True
    if isinstance(exc, _TRANSIENT_PG):
        return True
    if isinstance(exc, sa_errors.DBAPIError):
        cause = getattr(exc.orig, "__cause__", None)
        return (exc.connection_invalidated or isinstance(exc.orig, _TRANSIENT_PG) or isinstance(cause, _TRANSIENT_PG)
                or isinstance(exc, (sa_errors.OperationalError, sa_errors.InterfaceError)))
    return isinstance(exc, (sa_errors.TimeoutError, sa_errors.DisconnectionError))


def describe(exc: BaseException, limit: int = 500) -> str:
    """A one-line reason for a failure, without the SQL parameters a database error would quote (they may
    hold personal data): e.g. 'CharacterNotInRepertoireError: invalid byte sequence for encoding "UTF8": 0x00'."""
    cause = exc
    if isinstance(exc, sa_errors.DBAPIError) and exc.orig is not None:
        cause = exc.orig.__cause__ or exc.orig
    first = str(cause).splitlines()[0] if str(cause) else ""
    text = f"{type(cause).__name__}: {first}".replace("\x00", "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def record_size(key: bytes | None, value: bytes, headers: dict[str, str]) -> int:
    """Bytes a record carries (what the broker's size limit counts, framing aside)."""
    return len(key or b"") + len(value) + sum(len(k.encode()) + len(str(v).encode()) for k, v in headers.items())


def check_record_size(key: bytes | None, value: bytes, headers: dict[str, str]) -> None:
    """Refuse a record larger than RECORD_MAX_BYTES with its size in the reason."""
    # a UTF-8 character is at most 4 bytes: most records are far below the limit without encoding a header
    if len(key or b"") + len(value) + 4 * sum(len(k) + len(str(v)) for k, v in headers.items()) <= RECORD_MAX_BYTES:
        return
    size = record_size(key, value, headers)
    if size > RECORD_MAX_BYTES:
        raise RecordTooLargeError(f"record of {size:,} bytes is larger than the limit of {RECORD_MAX_BYTES:,} bytes")
