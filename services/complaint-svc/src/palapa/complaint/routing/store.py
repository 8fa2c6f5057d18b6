"""The city's editable rules: routing rules (with their history: who, when, why) and its own closures
(tables in tables.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..tables import closures, route_changes, routes
from .domain import Rule


async def rules(session: AsyncSession) -> list[Rule]:
    query = select(routes).order_by(routes.c.category, routes.c.kelurahan, routes.c.kecamatan)
    rows = (await session.execute(query)).all()
    return [Rule(r.category, r.opd, r.kelurahan or None, r.kecamatan or None, r.forward_days, r.follow_up_days)
            for r in rows]


async def set_rule(session: AsyncSession, rule: Rule, *, by: str, why: str, at: datetime) -> str | None:
    """Add or change a rule, and record the change; returns the OPD it named before (None: new)."""
    where = (rule.category, rule.kelurahan or "", rule.kecamatan or "")
    before = await _opd_of(session, *where)
    values = {"opd": rule.opd, "forward_days": rule.forward_days, "follow_up_days": rule.follow_up_days}
    stmt = insert(routes).values(category=where[0], kelurahan=where[1], kecamatan=where[2], **values)
    await session.execute(stmt.on_conflict_do_update(constraint="uq_routes_place", set_=values))
    await _record(session, "set", where, before, rule.opd, by, why, at, rule.forward_days, rule.follow_up_days)
    return before


async def delete_rule(session: AsyncSession, category: str, kelurahan: str | None, kecamatan: str | None, *,
                      by: str, why: str, at: datetime) -> str | None:
    """Remove a rule (cases of it go to triage); returns its OPD, None when there was no such rule."""
    where = (category, kelurahan or "", kecamatan or "")
    before = await _opd_of(session, *where)
    if before is not None:
        await session.execute(delete(routes).where(routes.c.category == where[0], routes.c.kelurahan == where[1],
                                                   routes.c.kecamatan == where[2]))
        await _record(session, "delete", where, before, None, by, why, at)
    return before


async def history(session: AsyncSession, limit: int = 100) -> list[dict]:
    rows = (await session.execute(select(route_changes).order_by(route_changes.c.id.desc()).limit(limit))).all()
    return [dict(r._mapping) for r in rows]


async def _opd_of(session: AsyncSession, category: str, kelurahan: str, kecamatan: str) -> str | None:
    return await session.scalar(select(routes.c.opd).where(
        routes.c.category == category, routes.c.kelurahan == kelurahan, routes.c.kecamatan == kecamatan))


async def _record(session, action, where, before, after, by, why, at, forward=None, follow_up=None) -> None:
    await session.execute(route_changes.insert().values(
        at=at, by=by, why=why, action=action, category=where[0], kelurahan=where[1], kecamatan=where[2],
        opd_before=before, opd_after=after, forward_days=forward, follow_up_days=follow_up))


async def closure_days(session: AsyncSession) -> list[date]:
    return list((await session.scalars(select(closures.c.day).order_by(closures.c.day))).all())


async def closure_list(session: AsyncSession) -> list[dict]:
    return [dict(r._mapping) for r in (await session.execute(select(closures).order_by(closures.c.day))).all()]


async def add_closure(session: AsyncSession, day: date, reason: str, by: str, at: datetime) -> None:
    stmt = insert(closures).values(day=day, reason=reason, by=by, at=at)
    await session.execute(
        stmt.on_conflict_do_update(index_elements=["day"], set_={"reason": reason, "by": by, "at": at}))


async def remove_closure(session: AsyncSession, day: date) -> bool:
    return (await session.execute(delete(closures).where(closures.c.day == day))).rowcount > 0
