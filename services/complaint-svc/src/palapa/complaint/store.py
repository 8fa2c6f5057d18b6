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
    Text,
    and_,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.events import CaseStatus

from .domain import Case, Reporter, Step
from .lifecycle import MAIN_LINE, SIDE_EXITS
from .routing import normalise_category

#: statuses of a case no longer open (fixed or closed unfixed)
ENDED = [s.value for s in (*MAIN_LINE[4:], *SIDE_EXITS)]

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
    Column("forward_due_at", DateTime(timezone=True), nullable=True),
    Column("description", Text, nullable=True),
    Column("kelurahan", String, nullable=True),
    Column("kecamatan", String, nullable=True),
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    Column("confidentiality", String(20), nullable=False, server_default="public"),
    Column("escalation_level", Integer, nullable=False, server_default="0"),
    Column("escalated_to", String, nullable=True),
    Column("responsible", String, nullable=True),
    Column("duplicate_of", String(64), nullable=True),
    Column("possible_duplicate_of", String(64), nullable=True),
    Column("linked_app", String(64), nullable=True),
    Column("linked_ref", String(64), nullable=True),
    Column("sla_round", Integer, nullable=False, server_default="0"),
    # normalised category, for duplicates and figures
    Column("category_key", String, nullable=True),
    # when the deadline checker must look at the case again (NULL: no clock runs)
    Column("sla_next_at", DateTime(timezone=True), nullable=True),
    Index("ix_cases_sla_next_at", "sla_next_at"),
    Index("ix_cases_category_key_submitted", "category_key", "submitted_at"),
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
    Column("note", Text, nullable=True),
)

# The reporter's identity, apart from the case: no view but the complaint desk's reads it; anonymous: no row.
reporters = Table(
    "reporters",
    metadata,
    Column("ticket", String(64), ForeignKey("cases.ticket", ondelete="CASCADE"), primary_key=True),
    Column("name", String, nullable=True),
    Column("nik_masked", String, nullable=True),
    Column("phone", String, nullable=True),
    Column("email", String, nullable=True),
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


async def save_reporters(session: AsyncSession, found: Sequence[tuple[str, Reporter]]) -> None:
    """Keep the identities of new cases (a resync does not overwrite the first)."""
    if found:
        await session.execute(insert(reporters).on_conflict_do_nothing(index_elements=["ticket"]), [
            {"ticket": t, "name": r.name, "nik_masked": r.nik_masked, "phone": r.phone, "email": r.email}
            for t, r in found])


async def reporter(session: AsyncSession, ticket: str) -> Reporter | None:
    row = (await session.execute(select(reporters).where(reporters.c.ticket == ticket))).first()
    return None if row is None else Reporter(row.name, row.nik_masked, row.phone, row.email)


async def save_many(session: AsyncSession, changes: Sequence[tuple[Case, str]],
                    next_checks: dict[str, datetime | None] | None = None) -> None:
    """Write the cases after a batch of decisions: each (case, event id) added its newest timeline step;
    a case's row takes its last state. Two transactions creating one ticket at once collide on the
    timeline's key (ticket, revision), so the later one fails and is applied again on the committed case."""
    if not changes:
        return
    final = {case.ticket: case for case, _ in changes}
    checks = next_checks or {}
    rows = [{"ticket": c.ticket, **_values(c), "sla_next_at": checks.get(c.ticket)} for c in final.values()]
    stmt = insert(cases)
    await session.execute(
        stmt.on_conflict_do_update(index_elements=[cases.c.ticket], set_={k: stmt.excluded[k] for k in rows[0] if k != "ticket"}),
        rows,
    )
    await session.execute(
        case_events.insert(),
        [
            {"ticket": case.ticket, "revision": case.revision, "status": case.timeline[-1].status.value,
             "legacy_status": case.timeline[-1].legacy_status, "at": case.timeline[-1].at, "event_id": event_id,
             "note": case.timeline[-1].note}
            for case, event_id in changes
        ],
    )


def _values(case: Case) -> dict:
    return {
        "source_app": case.source_app, "source_ref": case.source_ref, "opd": case.opd, "category": case.category,
        "status": case.status.value, "revision": case.revision, "submitted_at": case.submitted_at,
        "updated_at": case.updated_at, "due_at": case.due_at, "forward_due_at": case.forward_due_at,
        "description": case.description, "kelurahan": case.kelurahan, "kecamatan": case.kecamatan,
        "latitude": case.latitude, "longitude": case.longitude, "confidentiality": case.confidentiality,
        "escalation_level": case.escalation_level, "escalated_to": case.escalated_to,
        "responsible": case.responsible, "duplicate_of": case.duplicate_of,
        "possible_duplicate_of": case.possible_duplicate_of, "sla_round": case.sla_round,
        "linked_app": case.linked_app, "linked_ref": case.linked_ref,
        "category_key": normalise_category(case.category),
    }


async def page(
    session: AsyncSession,
    *,
    opd: str | None,
    status: CaseStatus | None,
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
        late = and_(cases.c.due_at < now, cases.c.status.not_in(ENDED))
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
        out.setdefault(r.ticket, []).append(Step(CaseStatus(r.status), r.at, r.legacy_status, r.note))
    return {t: tuple(s) for t, s in out.items()}


def _case(row, timeline: tuple[Step, ...]) -> Case:
    return Case(
        ticket=row.ticket, source_app=row.source_app, source_ref=row.source_ref, opd=row.opd,
        category=row.category, status=CaseStatus(row.status), revision=row.revision,
        submitted_at=row.submitted_at, updated_at=row.updated_at, due_at=row.due_at, timeline=timeline,
        forward_due_at=row.forward_due_at, description=row.description, kelurahan=row.kelurahan,
        kecamatan=row.kecamatan, latitude=row.latitude, longitude=row.longitude, confidentiality=row.confidentiality,
        escalation_level=row.escalation_level, escalated_to=row.escalated_to, responsible=row.responsible,
        duplicate_of=row.duplicate_of, possible_duplicate_of=row.possible_duplicate_of, sla_round=row.sla_round,
        linked_app=row.linked_app, linked_ref=row.linked_ref,
    )


async def open_near(session: AsyncSession, category_key: str, since: datetime, until: datetime,
                    kelurahan: str | None, exclude: str) -> list[Case]:
    """Open cases of a category submitted in [since, until] with a place (the domain measures the distance)."""
    query = select(cases).where(
        cases.c.category_key == category_key, cases.c.submitted_at.between(since, until),
        cases.c.status.not_in(ENDED), cases.c.ticket != exclude,
        or_(cases.c.latitude.is_not(None), cases.c.kelurahan == kelurahan) if kelurahan
        else cases.c.latitude.is_not(None),
    ).order_by(cases.c.submitted_at).limit(200)
    return [_case(r, ()) for r in (await session.execute(query)).all()]


# the tables of the editable rules and the deadline checker join this metadata (migrations, create_all)
from . import store_admin, store_sla  # noqa: E402, F401
