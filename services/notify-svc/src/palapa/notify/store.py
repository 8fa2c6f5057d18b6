"""Schema `notify`: every ComplaintUpdated and TicketUpdated received, one row per (ticket, revision)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    select,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .domain import Update
from .tables import ticket_access, ticket_updates


async def add_updates(session: AsyncSession, updates: Sequence[tuple[Update, str]]) -> set[tuple[str, int]]:
    """Store (update, event id) pairs in the caller's transaction, in one statement; returns the
    (ticket, revision) pairs that were new (a revision already stored is left as it is)."""
    if not updates:
        return set()
    now = datetime.now(UTC)
    rows, seen = [], set()
    for update, event_id in updates:
        if (update.ticket, update.revision) in seen:
            continue  # the same revision twice in one batch: ON CONFLICT cannot touch a row twice
        seen.add((update.ticket, update.revision))
        rows.append({"ticket": update.ticket, "revision": update.revision, "event_id": event_id,
                     "payload": update.data, "traceparent": update.carrier, "received_at": now,
                     "event": update.event})
    result = await session.execute(
        insert(ticket_updates)
        .on_conflict_do_nothing(index_elements=["ticket", "revision"])
        .returning(ticket_updates.c.ticket, ticket_updates.c.revision),
        rows,
    )
    return {(r.ticket, r.revision) for r in result}


async def history(sessions: async_sessionmaker, ticket: str, after: int = 0, before: int | None = None) -> list[Update]:
    """Stored updates of a ticket with after < revision (< before), in revision order."""
    t = ticket_updates
    query = select(t.c.ticket, t.c.revision, t.c.payload, t.c.traceparent, t.c.event).where(
        t.c.ticket == ticket, t.c.revision > after
    )
    if before is not None:
        query = query.where(t.c.revision < before)
    async with sessions() as session:
        rows = (await session.execute(query.order_by(t.c.revision))).all()
    return [Update(r.ticket, r.revision, r.payload, r.traceparent or {}, r.event) for r in rows]


async def latest(sessions: async_sessionmaker, ticket: str) -> dict[str, Any] | None:
    """The newest stored view (ComplaintUpdated or TicketUpdated) of a ticket, or None."""
    t = ticket_updates
    async with sessions() as session:
        return await session.scalar(
            select(t.c.payload).where(t.c.ticket == ticket).order_by(t.c.revision.desc()).limit(1)
        )


async def add_access(session: AsyncSession, digests: dict[str, str]) -> None:
    """Remember tickets' capability digests (the first one told wins: a case's capability never changes)."""
    if digests:
        await session.execute(insert(ticket_access).on_conflict_do_nothing(index_elements=["ticket"]),
                              [{"ticket": t, "capability_hash": h} for t, h in digests.items()])


async def access_hash(sessions: async_sessionmaker, ticket: str) -> str | None:
    async with sessions() as session:
        return await session.scalar(select(ticket_access.c.capability_hash).where(ticket_access.c.ticket == ticket))
