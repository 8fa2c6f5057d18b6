"""The messages table as a queue: insert once by key, claim due messages (FOR UPDATE SKIP LOCKED), record what
happened, and each status change in the history. All in the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, tuple_, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.kit.db import cached_sql

from ..tables import message_statuses, messages
from .delivery import Status

m = messages


# statements built once (bound by name at each call): building one per request cost more CPU than running it
_BY_KEY = select(m).where(m.c.key == bindparam("message_key"))


async def by_key(session: AsyncSession, key: str) -> Row | None:
    return (await session.execute(_BY_KEY, {"message_key": key})).one_or_none()


async def by_id(session: AsyncSession, message_id: str, *, lock: bool = False) -> Row | None:
    query = select(m).where(m.c.id == message_id)
    return (await session.execute(query.with_for_update() if lock else query)).one_or_none()


async def locked(session: AsyncSession, message_ids: list[str]) -> dict[str, Row]:
    """The messages among `message_ids`, locked until the transaction ends, in one query (in id order, so two
    transactions locking some of the same rows never wait on each other in a cycle)."""
    query = select(m).where(m.c.id.in_(sorted(set(message_ids)))).order_by(m.c.id).with_for_update()
    return {r.id: r for r in (await session.execute(query)).all()}


async def for_reports(session: AsyncSession, pairs: set[tuple[str, str]], references: set[tuple[str, str]],
                      ) -> tuple[dict[tuple[str, str], Row], dict[tuple[str, str], Row]]:
    """The messages status reports name, locked in one query in id order: by (channel, provider id), and by
    (channel, our id) among those whose provider id was never recorded (a send its sender has not recorded yet, or
    never will: kill -9). One ordered lock for all: the dispatcher locks its batch in id order too, and locking the
    second kind later, one by one, deadlocked with it under load."""
    found = []
    if pairs:
        found.append(tuple_(m.c.channel, m.c.provider_id).in_(sorted(pairs)))
    if references:
        found.append(and_(tuple_(m.c.channel, m.c.id).in_(sorted(references)), m.c.provider_id.is_(None)))
    if not found:
        return {}, {}
    rows = (await session.execute(select(m).where(or_(*found)).order_by(m.c.id).with_for_update())).all()
    return ({(r.channel, r.provider_id): r for r in rows if r.provider_id is not None},
            {(r.channel, r.id): r for r in rows if r.provider_id is None})


_MOVE = update(m).where(m.c.id == bindparam("message_id")).values(
    status=bindparam("new_status"), lease_until=None, updated_at=bindparam("now"))
_HISTORY = message_statuses.insert()
_PROVIDER_ID = update(m).where(m.c.id == bindparam("message_id")).values(
    provider_id=bindparam("accepted_as"), updated_at=bindparam("now"))
_SENT = update(m).where(m.c.id == bindparam("message_id")).values(
    status=Status.SENT, provider_id=bindparam("accepted_as"), lease_until=None, error=None, updated_at=bindparam("now"))


async def move_all(session: AsyncSession, moves: Mapping[str, str], history: list[dict], now: datetime,
                   provider_ids: Mapping[str, str] | None = None) -> None:
    """Record the providers' ids learnt from their reports (`provider_ids`: id → provider id), set each message's
    status (`moves`: id → status, already decided) and append `history` (rows of message_statuses), each in one
    statement for the lot."""
    if provider_ids:
        await session.execute(_PROVIDER_ID, [{"message_id": i, "accepted_as": p, "now": now}
                                             for i, p in provider_ids.items()])
    if moves:
        await session.execute(_MOVE, [{"message_id": i, "new_status": str(s), "now": now} for i, s in moves.items()])
    if history:
        await session.execute(_HISTORY, history)


async def mark_sent(session: AsyncSession, accepted: Mapping[str, str], now: datetime) -> None:
    """The providers took these messages (id → the provider's id): sent, in one statement for the lot."""
    if accepted:
        await session.execute(_SENT, [{"message_id": i, "accepted_as": p, "now": now} for i, p in accepted.items()])
        await session.execute(_HISTORY, [{"message_id": i, "status": str(Status.SENT), "at": now, "detail": None}
                                         for i in accepted])


#: every column a new message is inserted with (created_at doubles as its first status's time)
_COLUMNS = ("id", "key", "kind", "template_id", "template_version", "language", "channel", "contact_id", "ticket",
            "reference", "client", "test", "critical", "subject", "body", "params", "sealed", "whatsapp_name",
            "fingerprint", "status", "error", "not_before", "fallback_of", "created_at", "updated_at")
# one round trip: the message and its first status together (a known key inserts neither); text, so compiled once
_INSERT_ONCE = cached_sql(f"""
WITH new AS (
    INSERT INTO {m.fullname} ({", ".join(_COLUMNS)}) VALUES ({", ".join(":" + c for c in _COLUMNS)})
    ON CONFLICT (key) DO NOTHING
    RETURNING id, status, error)
INSERT INTO {message_statuses.fullname} (message_id, status, at, detail)
SELECT id, status, :created_at, left(error, 300) FROM new
RETURNING message_id""", m)


async def insert_once(session: AsyncSession, values: Mapping[str, Any], now: datetime) -> bool:
    """Insert the message unless its key is known; True when it was new (its first status goes on the history)."""
    unknown = set(values) - set(_COLUMNS)
    if unknown:
        raise ValueError(f"not columns of a new message: {sorted(unknown)}")
    params = dict.fromkeys(_COLUMNS) | dict(values) | {"created_at": now, "updated_at": now}
    return await session.scalar(_INSERT_ONCE, params) is not None


_RECENT = select(func.count().filter(m.c.fingerprint == bindparam("same")), func.count()).where(
    m.c.contact_id == bindparam("contact"), m.c.created_at >= bindparam("since"),
    or_(m.c.status != Status.FAILED, m.c.attempts > 0))  # refusals do not count: failed before any attempt


async def recent_counts(session: AsyncSession, contact: int, fingerprint: str, since: datetime) -> tuple[int, int]:
    """(identical, all) messages to a contact created since `since` that were meant to go (refusals do not count:
    a refused message is failed before any attempt)."""
    row = (await session.execute(_RECENT, {"same": fingerprint, "contact": contact, "since": since})).one()
    return row[0], row[1]


async def claim(session: AsyncSession, now: datetime, lease: timedelta, limit: int) -> list[Row]:
    """Due messages, and messages whose sender died mid-send (lease over), marked sending under a new lease.
    SKIP LOCKED: replicas claim different messages; attempts counts every claim."""
    due = or_(
        and_(m.c.status == Status.QUEUED, m.c.not_before <= now),
        and_(m.c.status == Status.SENDING, m.c.lease_until < now),
    )
    ids = select(m.c.id).where(due).order_by(m.c.not_before).limit(limit).with_for_update(skip_locked=True)
    rows = (await session.execute(
        update(m).where(m.c.id.in_(ids.scalar_subquery()))
        .values(status=Status.SENDING, lease_until=now + lease, attempts=m.c.attempts + 1, updated_at=now)
        .returning(m)
    )).all()
    if rows:  # one statement for the batch's history
        await session.execute(message_statuses.insert(), [
            {"message_id": row.id, "status": str(Status.SENDING), "at": now, "detail": f"attempt {row.attempts}"}
            for row in rows])
    return rows


async def change(session: AsyncSession, message_id: str, now: datetime, detail: str | None = None,
                 **values: Any) -> None:
    """Update a message, with its new status (if any) on the history."""
    await session.execute(update(m).where(m.c.id == message_id).values(**values, updated_at=now))
    if "status" in values:
        await history(session, message_id, values["status"], now, detail)


async def history(session: AsyncSession, message_id: str, status: str, at: datetime, detail: str | None) -> None:
    await session.execute(message_statuses.insert().values(
        message_id=message_id, status=str(status), at=at, detail=detail[:300] if detail else None))


async def statuses(session: AsyncSession, message_id: str) -> list[dict]:
    s = message_statuses
    rows = await session.execute(
        select(s.c.status, s.c.at, s.c.detail).where(s.c.message_id == message_id).order_by(s.c.id))
    return [{"status": r.status, "at": r.at.isoformat(), "detail": r.detail} for r in rows]


async def of_ticket(session: AsyncSession, ticket: str) -> list[Row]:
    return (await session.execute(select(m).where(m.c.ticket == ticket).order_by(m.c.created_at, m.c.id))).all()
