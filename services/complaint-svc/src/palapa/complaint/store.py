"""complaint-svc's tables (schema `complaint`): one row per case, one row per timeline step."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.events import ComplaintStatus

from .domain import CLOSED, Case, Step

# its Alembic revisions: ./migrations (README: "Schema migrations")
metadata = MetaData(schema="complaint", info={"migrations": Path(__file__).with_name("migrations")})
# Unbounded VARCHARs for text from source apps: a long value must not fail the insert and block the partition.

cases = Table(
    "cases",
    metadata,
    Column("ticket", String(64), primary_key=True),
    Column("source_app", String, nullable=False),
    Column("source_ref", String, nullable=False),
    Column("opd", String, nullable=False),
    Column("category", String, nullable=True),
    Column("status", String(20), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    # Listing pages newest first within an OPD or a status (keyset on submitted_at, ticket).
    Index("ix_cases_opd_status_submitted", "opd", "status", "submitted_at", "ticket"),
    Index("ix_cases_status_submitted", "status", "submitted_at", "ticket"),
    Index("ix_cases_submitted", "submitted_at", "ticket"),
)

case_events = Table(
    "case_events",
    metadata,
    Column("ticket", String(64), ForeignKey("cases.ticket", ondelete="CASCADE"), primary_key=True),
    # Revision n of the case added timeline step n.
    Column("revision", Integer, primary_key=True),
    Column("status", String(20), nullable=False),
    Column("legacy_status", String, nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("event_id", String(64), nullable=False),
)


async def get(session: AsyncSession, ticket: str, *, for_update: bool = False) -> Case | None:
    """The case as last committed, or None; `for_update` locks its row until the transaction ends
    (changes of one ticket apply one at a time)."""
    query = select(cases).where(cases.c.ticket == ticket)
    row = (await session.execute(query.with_for_update() if for_update else query)).first()
    if row is None:
        return None
    return _case(row, (await _timelines(session, [ticket])).get(ticket, ()))


async def save(session: AsyncSession, case: Case, event_id: str) -> None:
    """Write the case after one decision: insert at revision 1, else update; add its newest timeline step."""
    values = {
        "source_app": case.source_app, "source_ref": case.source_ref, "opd": case.opd, "category": case.category,
        "status": case.status.value, "revision": case.revision, "submitted_at": case.submitted_at,
        "updated_at": case.updated_at, "due_at": case.due_at,
    }
    if case.revision == 1:
        # A concurrent first insert of the same ticket fails on the key and the message is retried.
        await session.execute(cases.insert().values(ticket=case.ticket, **values))
    else:
        await session.execute(cases.update().where(cases.c.ticket == case.ticket).values(**values))
    step = case.timeline[-1]
    await session.execute(
        case_events.insert().values(
            ticket=case.ticket, revision=case.revision, status=step.status.value,
            legacy_status=step.legacy_status, at=step.at, event_id=event_id,
        )
    )


async def page(
    session: AsyncSession,
    *,
    opd: str | None,
    status: ComplaintStatus | None,
    overdue: bool | None,
    now: datetime,
    limit: int,
    after: tuple[datetime, str] | None,
) -> list[Case]:
    """Up to `limit` cases, newest first, after the keyset position `after` (submitted_at, ticket)."""
    query = select(cases)
    if opd is not None:
        query = query.where(cases.c.opd == opd)
    if status is not None:
        query = query.where(cases.c.status == status.value)
    if overdue is not None:
        late = and_(cases.c.due_at < now, cases.c.status.not_in([s.value for s in CLOSED]))
        query = query.where(late if overdue else ~late)
    if after is not None:
        at, ticket = after
        query = query.where(
            or_(cases.c.submitted_at < at, and_(cases.c.submitted_at == at, cases.c.ticket < ticket))
        )
    query = query.order_by(cases.c.submitted_at.desc(), cases.c.ticket.desc()).limit(limit)
    rows = (await session.execute(query)).all()
    steps = await _timelines(session, [r.ticket for r in rows])
    return [_case(r, steps.get(r.ticket, ())) for r in rows]


async def _timelines(session: AsyncSession, tickets: Sequence[str]) -> dict[str, tuple[Step, ...]]:
    if not tickets:
        return {}
    rows = (
        await session.execute(
            select(case_events)
            .where(case_events.c.ticket.in_(list(tickets)))
            .order_by(case_events.c.ticket, case_events.c.revision)
        )
    ).all()
    out: dict[str, list[Step]] = {}
    for r in rows:
        out.setdefault(r.ticket, []).append(Step(ComplaintStatus(r.status), r.at, r.legacy_status))
    return {t: tuple(s) for t, s in out.items()}


def _case(row, timeline: tuple[Step, ...]) -> Case:
    return Case(
        ticket=row.ticket, source_app=row.source_app, source_ref=row.source_ref, opd=row.opd,
        category=row.category, status=ComplaintStatus(row.status), revision=row.revision,
        submitted_at=row.submitted_at, updated_at=row.updated_at, due_at=row.due_at, timeline=timeline,
    )
