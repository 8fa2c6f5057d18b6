"""ops-svc's queries: keep dead letters, list and find them, record a decision."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from .tables import lag_samples, letters, tally

#: what a listing shows (no content: that is read one letter at a time, masked)
LISTED = (letters.c.id, letters.c.consumer, letters.c.topic, letters.c.partition, letters.c.offset,
          letters.c.reason, letters.c.at, letters.c.state, letters.c.whole, letters.c.value_size,
          letters.c.decided_at, letters.c.decided_by, letters.c.why)


async def keep(session: AsyncSession, rows: list[dict]) -> int:
    """Keep the letters not kept yet; counts the announcements and the repeats among them. Returns the new ones."""
    new = 0
    for row in rows:  # one statement per letter: a batch of dead letters is small, and RETURNING says which were new
        stmt = insert(letters).values(**row).on_conflict_do_nothing(index_elements=["fingerprint"])
        new += (await session.execute(stmt.returning(letters.c.id))).first() is not None
    for name, n in (("announcements", len(rows)), ("repeats", len(rows) - new)):
        if n:
            stmt = insert(tally).values(name=name, count=n)
            await session.execute(stmt.on_conflict_do_update(index_elements=["name"],
                                                             set_={"count": tally.c.count + stmt.excluded.count}))
    return new


async def tallies(session: AsyncSession) -> dict[str, int]:
    return {name: n for name, n in (await session.execute(select(tally.c.name, tally.c.count))).all()}


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def listing(session: AsyncSession, *, topic: str | None = None, consumer: str | None = None,
                  reason: str | None = None, state: str | None = None, since: datetime | None = None,
                  until: datetime | None = None, before_id: int | None = None, limit: int = 50) -> list:
    """Newest first, filtered; `reason` is a case-insensitive part of the reason."""
    query = select(*LISTED)
    for column, wanted in ((letters.c.topic, topic), (letters.c.consumer, consumer), (letters.c.state, state)):
        if wanted:
            query = query.where(column == wanted)
    if reason:
        query = query.where(letters.c.reason.ilike(f"%{_escaped(reason)}%", escape="\\"))
    if since is not None:
        query = query.where(letters.c.at >= since)
    if until is not None:
        query = query.where(letters.c.at < until)
    if before_id is not None:
        query = query.where(letters.c.id < before_id)
    return (await session.execute(query.order_by(letters.c.id.desc()).limit(limit))).all()


async def counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(letters.c.state, func.count()).group_by(letters.c.state))
    return {state: n for state, n in rows.all()}


async def facets(session: AsyncSession) -> dict[str, list[str]]:
    """The topics and consumers seen, for the console's filters."""
    topics = await session.scalars(select(letters.c.topic).distinct().order_by(letters.c.topic).limit(100))
    consumers = await session.scalars(select(letters.c.consumer).distinct().order_by(letters.c.consumer).limit(100))
    return {"topics": list(topics), "consumers": list(consumers)}


async def one(session: AsyncSession, letter_id: int, *, for_update: bool = False):
    query = select(letters).where(letters.c.id == letter_id)
    return (await session.execute(query.with_for_update() if for_update else query)).one_or_none()


async def decide(session: AsyncSession, letter_id: int, state: str, who: str, why: str | None) -> None:
    await session.execute(update(letters).where(letters.c.id == letter_id).values(
        state=state, decided_at=datetime.now(UTC), decided_by=who, why=why))


async def per_hour(session: AsyncSession, since: datetime) -> dict[datetime, int]:
    """Dead letters kept per hour (UTC, by when they were dead-lettered) since `since`."""
    hour = func.date_trunc("hour", letters.c.at, "UTC").label("hour")
    rows = await session.execute(select(hour, func.count()).where(letters.c.at >= since).group_by(hour))
    return {at.replace(tzinfo=UTC): n for at, n in rows.all()}


async def lag_since(session: AsyncSession, since: datetime) -> list[tuple]:
    """(at, group, topic, lag, stuck) of every partition sample since `since`, per pass summed by the caller."""
    t = lag_samples
    query = select(t.c.at, t.c.group, t.c.topic, t.c.lag, t.c.stuck).where(t.c.at >= since).order_by(t.c.at)
    return [tuple(r) for r in (await session.execute(query)).all()]
