"""Staff recipients of SLA warnings and escalations: rows the city edits through the audited API."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..tables import staff_recipients

s = staff_recipients


async def recipients(session: AsyncSession, level: str, opd: str = "") -> list[tuple[int, str, int]]:
    """(row id, channel, contact id) of the people at `level` (for `opd` at level "opd")."""
    rows = await session.execute(select(s.c.id, s.c.channel, s.c.contact_id).where(
        s.c.level == level, s.c.opd == (opd.upper() if level == "opd" else "")).order_by(s.c.id))
    return [(r.id, r.channel, r.contact_id) for r in rows]


async def add(session: AsyncSession, level: str, opd: str, name: str, channel: str, contact: int) -> int:
    now = datetime.now(UTC)
    found = await session.scalar(
        insert(s).values(level=level, opd=opd.upper() if level == "opd" else "", name=name, channel=channel,
                         contact_id=contact, created_at=now)
        .on_conflict_do_update(constraint="uq_staff_recipients_who", set_={"name": name})
        .returning(s.c.id)
    )
    return found


async def remove(session: AsyncSession, recipient_id: int) -> dict | None:
    row = (await session.execute(delete(s).where(s.c.id == recipient_id).returning(s))).one_or_none()
    return None if row is None else listing_row(row)


async def listing(session: AsyncSession, level: str | None = None) -> list[dict]:
    query = select(s).order_by(s.c.level, s.c.opd, s.c.id)
    if level:
        query = query.where(s.c.level == level)
    return [listing_row(r) for r in (await session.execute(query)).all()]


def listing_row(row) -> dict:
    """A recipient as listed: never the address (that stays sealed), only who and how."""
    return {"id": row.id, "level": row.level, "opd": row.opd or None, "name": row.name, "channel": row.channel}
