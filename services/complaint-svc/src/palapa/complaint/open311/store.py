"""What the Open311 API reads and writes: cases joined with their Open311/portal submission, and new submissions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.events import CASE_STATUS_LABELS, CaseStatus

from ..tables import cases, submissions
from .catalogue import SERVICE_BY_CODE
from .checks import NewRequest
from .replies import CLOSED_STATUSES, RequestRow


def _rows() -> Select:
    return select(
        cases.c.ticket, cases.c.status, cases.c.category, cases.c.opd, cases.c.submitted_at, cases.c.updated_at,
        cases.c.due_at, cases.c.confidentiality, submissions.c.service_code, submissions.c.description,
        submissions.c.lat, submissions.c.long, submissions.c.address, submissions.c.address_id, submissions.c.media_url,
    ).select_from(cases.outerjoin(submissions, submissions.c.ticket == cases.c.ticket))


def _label(status: str) -> str:
    try:
        return CASE_STATUS_LABELS[CaseStatus(status)]
    except (ValueError, KeyError):
        return status


def _row(r) -> RequestRow:
    return RequestRow(
        ticket=r.ticket, status=r.status, status_label=_label(r.status), category=r.category, opd=r.opd,
        submitted_at=r.submitted_at, updated_at=r.updated_at, due_at=r.due_at, service_code=r.service_code,
        description=r.description, lat=r.lat, long=r.long, address=r.address, address_id=r.address_id,
        media_url=r.media_url, confidentiality=r.confidentiality or "public",
    )


async def by_tickets(session: AsyncSession, tickets: list[str]) -> list[RequestRow]:
    rows = (await session.execute(_rows().where(cases.c.ticket.in_(tickets)).order_by(cases.c.ticket))).all()
    return [_row(r) for r in rows]


async def submitted(session: AsyncSession, ticket: str) -> RequestRow | None:
    """A request filed here whose case the intake has not opened yet (None: no such submission)."""
    s = submissions.c
    r = (await session.execute(select(s.ticket, s.service_code, s.description, s.lat, s.long, s.address,
                                      s.address_id, s.media_url, s.submitted_at).where(s.ticket == ticket))).first()
    if r is None:
        return None
    return RequestRow(ticket=r.ticket, status="received", status_label="Diterima", category=None, opd="",
                      submitted_at=r.submitted_at, updated_at=r.submitted_at, due_at=None, service_code=r.service_code,
                      description=r.description, lat=r.lat, long=r.long, address=r.address, address_id=r.address_id,
                      media_url=r.media_url, confidentiality="confidential")


async def listing(
    session: AsyncSession, *, lo: datetime, hi: datetime, statuses: list[str] | None, service_codes: list[str] | None,
    limit: int,
) -> list[RequestRow]:
    """Cases requested within [lo, hi], newest first, filtered by open/closed and service code."""
    query = _rows().where(and_(cases.c.submitted_at >= lo, cases.c.submitted_at <= hi))
    if statuses is not None and len(statuses) == 1:
        closed = cases.c.status.in_(sorted(CLOSED_STATUSES))
        query = query.where(closed if statuses == ["closed"] else ~closed)
    if service_codes is not None:
        categories = [SERVICE_BY_CODE[c].category for c in service_codes if c in SERVICE_BY_CODE]
        query = query.where(
            submissions.c.service_code.in_(service_codes)
            | (submissions.c.service_code.is_(None) & cases.c.category.in_(categories))
        )
    query = query.order_by(cases.c.submitted_at.desc(), cases.c.ticket.desc()).limit(limit)
    rows = (await session.execute(query)).all()
    return [_row(r) for r in rows]


async def add_submission(
    session: AsyncSession, *, ticket: str, token: str, channel: str, client: str | None, req: NewRequest,
    at: datetime, idempotency_key: str | None = None, contact_sealed: str | None = None,
) -> None:
    """The request as filed; the reporter's name, e-mail and phone only sealed (`contact_sealed`, identity.py)."""
    await session.execute(submissions.insert().values(
        ticket=ticket, token=token, channel=channel, client=client, idempotency_key=idempotency_key,
        service_code=req.service.code,
        description=req.description, lat=req.lat, long=req.long, address=req.address, address_id=req.address_id,
        media_url=req.media_url, attributes=req.attributes, contact_sealed=contact_sealed, submitted_at=at,
    ))


async def ticket_of_token(session: AsyncSession, token: str) -> tuple[str, bool] | None:
    """(ticket, whether its case exists yet) for a token, or None."""
    row = (await session.execute(
        select(submissions.c.ticket, cases.c.ticket.label("case"))
        .select_from(submissions.outerjoin(cases, cases.c.ticket == submissions.c.ticket))
        .where(submissions.c.token == token)
    )).first()
    return None if row is None else (row.ticket, row.case is not None)


async def ticket_of_key(session: AsyncSession, idempotency_key: str) -> str | None:
    """The ticket an earlier POST with this form key filed, if any."""
    return await session.scalar(select(submissions.c.ticket).where(submissions.c.idempotency_key == idempotency_key))
