"""complaint-svc's tables (schema `complaint`): one row per case, one row per timeline step."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    Float,
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
from sqlalchemy.dialects.postgresql import JSONB, insert
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


# Open311 (open311_store.py): clients' API keys, stored as SHA-256 digests of random keys, never the keys.
api_keys = Table(
    "api_keys",
    metadata,
    Column("key_hash", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

# A request filed through Open311 or the portal: what the case view lacks (where, what, how), and the reporter's
# contact, kept here and in no event or view. The token answers GET tokens/{token}.
submissions = Table(
    "submissions",
    metadata,
    Column("ticket", String(64), primary_key=True),
    Column("token", String(64), nullable=False, unique=True),
    Column("channel", String(20), nullable=False),
    # the form's once-per-page key: a second POST with it answers the first's ticket (a double click files once)
    Column("idempotency_key", String(64), nullable=True, unique=True),
    Column("client", String(200), nullable=True),
    Column("service_code", String(64), nullable=False),
    Column("description", String, nullable=False),
    Column("lat", Float, nullable=True),
    Column("long", Float, nullable=True),
    Column("address", String, nullable=True),
    Column("address_id", String, nullable=True),
    Column("media_url", String, nullable=True),
    Column("attributes", JSONB, nullable=False),
    Column("reporter_name", String, nullable=True),
    Column("email", String, nullable=True),
    Column("phone", String, nullable=True),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
)


async def snapshot(session: AsyncSession) -> None:
    """Read the cases and their timelines in one snapshot (they are two statements: a write committing
    between them would show a case at one revision with the timeline of another)."""
    await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


async def get(session: AsyncSession, ticket: str) -> Case | None:
    """The case as last committed, or None."""
    return (await get_many(session, [ticket])).get(ticket)


async def get_many(session: AsyncSession, tickets: Sequence[str], *, for_update: bool = False) -> dict[str, Case]:
    """The known cases among `tickets`; `for_update` locks their rows until the transaction ends (in ticket
    order, so two transactions never wait on each other in a cycle)."""
    if not tickets:
        return {}
    query = select(cases).where(cases.c.ticket.in_(sorted(set(tickets)))).order_by(cases.c.ticket)
    rows = (await session.execute(query.with_for_update() if for_update else query)).all()
    steps = await _timelines(session, [r.ticket for r in rows])
    return {r.ticket: _case(r, steps.get(r.ticket, ())) for r in rows}


async def save_many(session: AsyncSession, changes: Sequence[tuple[Case, str]]) -> None:
    """Write the cases after a batch of decisions: each (case, event id) added its newest timeline step;
    a case's row takes its last state. Two transactions creating one ticket at once collide on the
    timeline's key (ticket, revision), so the later one fails and is applied again on the committed case."""
    if not changes:
        return
    final = {case.ticket: case for case, _ in changes}
    rows = [{"ticket": c.ticket, **_values(c)} for c in final.values()]
    stmt = insert(cases)
    await session.execute(
        stmt.on_conflict_do_update(index_elements=[cases.c.ticket], set_={k: stmt.excluded[k] for k in rows[0] if k != "ticket"}),
        rows,
    )
    await session.execute(
        case_events.insert(),
        [
            {"ticket": case.ticket, "revision": case.revision, "status": case.timeline[-1].status.value,
             "legacy_status": case.timeline[-1].legacy_status, "at": case.timeline[-1].at, "event_id": event_id}
            for case, event_id in changes
        ],
    )


def _values(case: Case) -> dict:
    return {
        "source_app": case.source_app, "source_ref": case.source_ref, "opd": case.opd, "category": case.category,
        "status": case.status.value, "revision": case.revision, "submitted_at": case.submitted_at,
        "updated_at": case.updated_at, "due_at": case.due_at,
    }


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
