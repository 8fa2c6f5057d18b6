"""Which failures are worth retrying: transient only when retrying can help, everything else is permanent."""

from __future__ import annotations

import asyncio

from sqlalchemy import exc as sa

try:  # the PostgreSQL driver's own classes (SQLAlchemy wraps them; the original is in .orig)
    import asyncpg.exceptions as pg

    _PG_TRANSIENT: tuple[type[BaseException], ...] = (
        pg.PostgresConnectionError,  # connection lost or refused
        pg.OperatorInterventionError,  # shutdown, cannot connect now, query cancelled
        pg.InsufficientResourcesError,  # too many connections, disk full
        pg.TransactionRollbackError,  # serialization failure, deadlock
        pg.LockNotAvailableError,
        pg.InterfaceError,
    )
except ImportError:  # pragma: no cover - asyncpg is a kit dependency
    _PG_TRANSIENT = ()


class PermanentError(Exception):
    """Retrying cannot help (the message says why): the record is refused, never retried."""


def is_transient(exc: BaseException) -> bool:
    """True for a database or broker that is away, slow or busy; False for bad data and bugs."""
    if isinstance(exc, PermanentError):
        return False
    if isinstance(exc, TimeoutError | asyncio.TimeoutError | ConnectionError):
        return True
    if isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError | PermissionError):
        return True
    if isinstance(exc, sa.DBAPIError):
        if exc.connection_invalidated:
            return True
        if isinstance(exc.orig, _PG_TRANSIENT) or isinstance(getattr(exc.orig, "__cause__", None), _PG_TRANSIENT):
            return True
        return isinstance(exc, sa.OperationalError | sa.InterfaceError) and not isinstance(exc, sa.DataError)
    if isinstance(exc, sa.TimeoutError | sa.DisconnectionError):
        return True
    if isinstance(exc, _PG_TRANSIENT):
        return True
    try:
        from aiokafka.errors import KafkaConnectionError, KafkaError

        if isinstance(exc, KafkaConnectionError):
            return True
        if isinstance(exc, KafkaError):
            return bool(getattr(exc, "retriable", False))
    except ImportError:  # pragma: no cover
        pass
    return False


def describe(exc: BaseException, limit: int = 500) -> str:
    """A one-line reason for a failure, without the SQL parameters a database error would quote (they may
    hold personal data): e.g. 'CharacterNotInRepertoireError: invalid byte sequence for encoding "UTF8": 0x00'."""
    if isinstance(exc, sa.DBAPIError) and exc.orig is not None:
        cause = exc.orig.__cause__ or exc.orig
        text = f"{type(cause).__name__}: {str(cause).splitlines()[0] if str(cause) else ''}"
    else:
        text = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    text = text.replace("\x00", "")
    return text if len(text) <= limit else text[: limit - 1] + "…"
