"""The deadline checker's records: each warning and breach once per case, clock round and level; and ratings
(tables in tables.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.events import CaseStatus

from ..lifecycle.store import ENDED
from ..tables import case_events, cases, ratings, sla_marks
from .domain import Mark


async def claim_due(session: AsyncSession, now: datetime, limit: int = 200) -> list[str]:
    """Tickets whose clocks need a look, locked for this transaction; replicas skip each other's (SKIP LOCKED)."""
    query = (select(cases.c.ticket).where(cases.c.sla_next_at <= now).order_by(cases.c.sla_next_at)
             .limit(limit).with_for_update(skip_locked=True))
    return list((await session.scalars(query)).all())


async def add_marks(session: AsyncSession, ticket: str, round_: int, marks: Sequence[Mark], now: datetime) -> set[str]:
    """Record marks; returns the keys that were new (a mark recorded before, by any replica, is not)."""
    if not marks:
        return set()
    rows = [{"ticket": ticket, "round": round_, "stage": m.stage.value, "level": m.level, "emitted_at": now}
            for m in marks]
    result = await session.execute(
        insert(sla_marks).on_conflict_do_nothing().returning(sla_marks.c.stage, sla_marks.c.level), rows)
    return {f"{r.stage}:{r.level}" for r in result}


async def set_next_check(session: AsyncSession, ticket: str, at: datetime | None) -> None:
    await session.execute(update(cases).where(cases.c.ticket == ticket).values(sla_next_at=at))


async def add_rating(session: AsyncSession, ticket: str, stars: int, comment: str | None, at: datetime) -> bool:
    """False when the case was rated before."""
    result = await session.execute(insert(ratings).values(ticket=ticket, stars=stars, comment=comment, at=at)
                                   .on_conflict_do_nothing().returning(ratings.c.ticket))
    return result.first() is not None


async def rating_of(session: AsyncSession, ticket: str) -> dict | None:
    row = (await session.execute(select(ratings.c.stars, ratings.c.comment, ratings.c.at)
                                 .where(ratings.c.ticket == ticket))).first()
    return None if row is None else dict(row._mapping)


async def figure_rows(session: AsyncSession) -> list[tuple]:
    """(opd, status, submitted_at, due_at, resolved_at, stars) of every case, for the per-OPD figures."""
    resolved = (select(case_events.c.ticket, func.min(case_events.c.at).label("resolved_at"))
                .where(case_events.c.status == "resolved").group_by(case_events.c.ticket).subquery())
    query = (select(cases.c.opd, cases.c.status, cases.c.submitted_at, cases.c.due_at, resolved.c.resolved_at,
                    ratings.c.stars)
             .outerjoin(resolved, resolved.c.ticket == cases.c.ticket)
             .outerjoin(ratings, ratings.c.ticket == cases.c.ticket))
    return [tuple(r) for r in (await session.execute(query)).all()]


async def ended_since(session: AsyncSession, since: datetime) -> list[tuple[str, datetime, list[tuple]]]:
    """(opd, follow-up deadline, [(status, at)] in order) of the cases not open now and changed since `since`:
    those whose handling may have ended since then (ontime.py decides)."""
    query = (select(cases.c.ticket, cases.c.opd, cases.c.due_at, case_events.c.status, case_events.c.at)
             .join(case_events, case_events.c.ticket == cases.c.ticket)
             .where(cases.c.status.in_(ENDED), cases.c.updated_at >= since)
             .order_by(cases.c.ticket, case_events.c.revision))
    found: dict[str, tuple[str, datetime, list[tuple]]] = {}
    for row in (await session.execute(query)).all():
        found.setdefault(row.ticket, (row.opd, row.due_at, []))[2].append((CaseStatus(row.status), row.at))
    return list(found.values())


async def breaches_since(session: AsyncSession, since: datetime) -> list:
    """Per OPD (the case's OPD now: a rerouted case's breaches count for the OPD that holds it), the breaches
    emitted since `since`: `cases` breached, `breaches` in all, and those at level 1 (the OPD's head), 2 (the
    Sekda) and 3 (the Wali Kota); the most breaches first."""
    level = sla_marks.c.level
    breaches = func.count().label("breaches")
    query = (select(cases.c.opd, func.count(sla_marks.c.ticket.distinct()).label("cases"), breaches,
                    *(func.count().filter(level == n).label(f"level_{n}") for n in (1, 2, 3)))
             .join(cases, cases.c.ticket == sla_marks.c.ticket)
             .where(level >= 1, sla_marks.c.emitted_at >= since)
             .group_by(cases.c.opd).order_by(breaches.desc(), cases.c.opd))
    return (await session.execute(query)).all()


async def escalations_waiting(session: AsyncSession) -> list[tuple[int, int, datetime | None]]:
    """(level, open cases escalated to it, when the longest waiting reached it) for every level reached."""
    reached = (select(func.min(sla_marks.c.emitted_at))
               .where(sla_marks.c.ticket == cases.c.ticket, sla_marks.c.round == cases.c.sla_round,
                      sla_marks.c.level == cases.c.escalation_level)
               .scalar_subquery())
    per_case = (select(cases.c.escalation_level.label("level"), reached.label("at"))
                .where(cases.c.escalation_level >= 1, cases.c.status.not_in(ENDED)).subquery())
    query = (select(per_case.c.level, func.count(), func.min(per_case.c.at))
             .group_by(per_case.c.level).order_by(per_case.c.level))
    return [tuple(r) for r in (await session.execute(query)).all()]
