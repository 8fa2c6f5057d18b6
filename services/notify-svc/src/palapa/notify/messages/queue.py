"""The messages table as a queue: insert once by key, claim due messages (FOR UPDATE SKIP LOCKED), record what
happened, and each status change in the history. All in the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, and_, func, or_, select, update
from sqlalchemy import literal as sa_literal
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from ..tables import message_statuses, messages
from .delivery import Status

m = messages


async def by_key(session: AsyncSession, key: str) -> Row | None:
    return (await session.execute(select(m).where(m.c.key == key))).one_or_none()


async def by_id(session: AsyncSession, message_id: str, *, lock: bool = False) -> Row | None:
    query = select(m).where(m.c.id == message_id)
    return (await session.execute(query.with_for_update() if lock else query)).one_or_none()


async def locked(session: AsyncSession, message_ids: list[str]) -> dict[str, Row]:
    """The messages among `message_ids`, locked until the transaction ends, in one query (in id order, so two
    transactions locking some of the same rows never wait on each other in a cycle)."""
    query = select(m).where(m.c.id.in_(sorted(set(message_ids)))).order_by(m.c.id).with_for_update()
    return {r.id: r for r in (await session.execute(query)).all()}


async def by_provider_id(session: AsyncSession, channel: str, provider_id: str) -> Row | None:
    query = select(m).where(m.c.channel == channel, m.c.provider_id == provider_id).with_for_update()
    return (await session.execute(query)).first()


async def unrecorded(session: AsyncSession, channel: str, message_id: str) -> Row | None:
    """A message on `channel` whose provider id was never recorded (its sender died mid-send), locked."""
    query = select(m).where(m.c.id == message_id[:36], m.c.channel == channel, m.c.provider_id.is_(None))
    return (await session.execute(query.with_for_update())).one_or_none()


async def insert_once(session: AsyncSession, values: Mapping[str, Any], now: datetime) -> bool:
    """Insert the message unless its key is known; True when it was new (its first status goes on the history)."""
    # one round trip: the message and its first status together (a known key inserts neither)
    new = (insert(m).values(**values, created_at=now, updated_at=now)
           .on_conflict_do_nothing(index_elements=["key"]).returning(m.c.id, m.c.status, m.c.error).cte("new"))
    s = message_statuses
    first = s.insert().from_select(
        ["message_id", "status", "at", "detail"],
        select(new.c.id, new.c.status, sa_literal(now, DateTime(timezone=True)), func.left(new.c.error, 300)),
    ).returning(s.c.message_id)
    return await session.scalar(first) is not None


async def recent_counts(session: AsyncSession, contact: int, fingerprint: str, since: datetime) -> tuple[int, int]:
    """(identical, all) messages to a contact created since `since` that were meant to go (refusals do not count:
    a refused message is failed before any attempt)."""
    counted = or_(m.c.status != Status.FAILED, m.c.attempts > 0)
    row = (await session.execute(
        select(func.count().filter(m.c.fingerprint == fingerprint), func.count())
        .where(m.c.contact_id == contact, m.c.created_at >= since, counted)
    )).one()
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
