"""The cases and their timelines, and the reporters' identities: reading and writing them (tables in tables.py)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.events import CaseStatus
from palapa.contracts.identity import Identity
from palapa.kit.sealed import SealError
from palapa.kit.tables import audit_log_table

from ..identity import Keys
from ..routing.domain import normalise_category
from ..tables import case_events, cases, metadata, reporters, sla_marks
from .domain import Case, Reporter, Step
from .transitions import MAIN_LINE, SIDE_EXITS

log = logging.getLogger(__name__)

#: statuses of a case no longer open (fixed or closed unfixed)
ENDED = [s.value for s in (*MAIN_LINE[4:], *SIDE_EXITS)]
audit_log = audit_log_table(metadata)  # the kit's, in this schema: who acted on which case


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


async def save_reporters(session: AsyncSession, found: Sequence[tuple[str, Reporter]], keys: Keys) -> None:
    """Keep the identities of new cases, sealed (a resync does not overwrite the first)."""
    if found:
        await session.execute(insert(reporters).on_conflict_do_nothing(index_elements=["ticket"]), [
            {"ticket": t, "identity_sealed": keys.seal_row(t, Identity(name=r.name, nik_masked=r.nik_masked,
                                                                       phone=r.phone, email=r.email)),
             "phone_hash": r.phone_hash}
            for t, r in found])


async def reporter(session: AsyncSession, ticket: str, keys: Keys) -> Reporter | None:
    """The case's reporter, opened (the complaint desk's view only)."""
    row = (await session.execute(select(reporters).where(reporters.c.ticket == ticket))).first()
    if row is None:
        return None
    try:
        who = keys.open_row(ticket, row.identity_sealed) or Identity()
    except SealError:  # sealed under another contacts key (docs/secrets.md): the case shows no reporter
        log.warning("reporter of %s does not open under COMPLAINT_CONTACTS_KEY", ticket)
        who = Identity()
    return Reporter(who.name, who.nik_masked, who.phone, who.email, row.phone_hash)


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
        stmt.on_conflict_do_update(index_elements=[cases.c.ticket],
                                   set_={k: stmt.excluded[k] for k in rows[0] if k != "ticket"}),
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
    after: tuple | None,  # a PageToken: (at, ticket, ...)
    category: str | None = None,
    kelurahan: str | None = None,
    by_deadline: bool = False,
    handled_by: str | None = None,
    public_places: bool = False,
) -> list[Case]:
    """Up to `limit` cases, newest first, after the keyset position `after` (submitted_at, ticket); or, for the
    staff queue (`by_deadline`), the nearest deadline first, after `after` (due_at, ticket); `handled_by`: only the
    cases that subject acted on (the audit log). `public_places`: a kelurahan filter matches only cases whose place
    is public (the public listing hides an anonymous or confidential case's place, so its filter must not tell it)."""
    query = select(cases)
    if opd is not None:
        query = query.where(cases.c.opd == opd)
    if category is not None:
        query = query.where(func.lower(cases.c.category) == category.lower())
    if kelurahan is not None:
        query = query.where(func.lower(cases.c.kelurahan) == kelurahan.lower())
        if public_places:
            query = query.where(cases.c.confidentiality == "public")
    if status is not None:
        query = query.where(cases.c.status == status.value)
    if overdue is not None:
        late = and_(cases.c.due_at < now, cases.c.status.not_in(ENDED))
        query = query.where(late if overdue else ~late)
    if handled_by is not None:  # the cases this subject acted on (refusals are on the log too: not theirs)
        query = query.where(cases.c.ticket.in_(select(audit_log.c.object_id).where(
            audit_log.c.actor == handled_by, audit_log.c.object_type == "case",
            audit_log.c.action.not_like("%.refused"))))
    at, ticket = after[:2] if after is not None else (None, None)
    if after is not None and by_deadline:  # due_at is never null: the keyset is (due_at, ticket) ascending
        query = query.where(or_(cases.c.due_at > at, and_(cases.c.due_at == at, cases.c.ticket > ticket)))
    elif after is not None:
        query = query.where(
            or_(cases.c.submitted_at < at, and_(cases.c.submitted_at == at, cases.c.ticket < ticket))
        )
    if by_deadline:
        query = query.order_by(cases.c.due_at.asc().nulls_last(), cases.c.ticket).limit(limit)
    else:
        query = query.order_by(cases.c.submitted_at.desc(), cases.c.ticket.desc()).limit(limit)
    rows = (await session.execute(query)).all()
    steps = await _timelines(session, [r.ticket for r in rows])
    return [_case(r, steps.get(r.ticket, ())) for r in rows]


async def escalated(session: AsyncSession, lowest: int, highest: int | None,
                    limit: int) -> list[tuple[Case, datetime | None]]:
    """Open cases escalated to a level in [lowest, highest] with when they reached it (their breach mark at that
    level in the current clock round), the longest waiting first."""
    reached = (select(func.min(sla_marks.c.emitted_at))
               .where(sla_marks.c.ticket == cases.c.ticket, sla_marks.c.round == cases.c.sla_round,
                      sla_marks.c.level == cases.c.escalation_level)
               .scalar_subquery().label("escalated_at"))
    query = select(cases, reached).where(cases.c.escalation_level >= lowest, cases.c.status.not_in(ENDED))
    if highest is not None:
        query = query.where(cases.c.escalation_level <= highest)
    query = query.order_by(reached.asc().nulls_last(), cases.c.submitted_at, cases.c.ticket).limit(limit)
    rows = (await session.execute(query)).all()
    steps = await _timelines(session, [r.ticket for r in rows])
    return [(_case(r, steps.get(r.ticket, ())), r.escalated_at) for r in rows]


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
