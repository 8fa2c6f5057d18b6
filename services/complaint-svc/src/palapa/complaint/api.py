"""The case API: one complaint by ticket, and paged listings by OPD and status."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from pydantic import BaseModel

from palapa.contracts.events import ComplaintStatus, is_ticket
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

from . import domain, store
from .params import BadParamError, decode_page_token, encode_page_token, parse_filters


class TimelineRead(BaseModel):
    status: ComplaintStatus
    label: str
    at: datetime
    legacy_status: str | None = None


class ComplaintRead(BaseModel):
    ticket: str
    status: ComplaintStatus
    status_label: str
    opd: str
    category: str | None
    source_app: str
    submitted_at: datetime
    updated_at: datetime
    due_at: datetime
    revision: int
    timeline: list[TimelineRead]

    @classmethod
    def of(cls, case: domain.Case) -> ComplaintRead:
        return cls(
            ticket=case.ticket, status=case.status, status_label=case.status_label, opd=case.opd,
            category=case.category, source_app=case.source_app, submitted_at=case.submitted_at,
            updated_at=case.updated_at, due_at=case.due_at, revision=case.revision,
            timeline=[TimelineRead(status=s.status, label=s.label, at=s.at, legacy_status=s.legacy_status)
                      for s in case.timeline],
        )


class ComplaintPage(BaseModel):
    items: list[ComplaintRead]
    next_cursor: str | None = None


def complaints_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["complaints"])

    @router.get("/complaints/{ticket}", response_model=ComplaintRead,
                responses={404: {"description": "unknown_ticket"}, 422: {"description": "malformed_ticket"}})
    async def read_complaint(ticket: str):
        """One complaint with its full status timeline."""
        if not is_ticket(ticket):
            return refusal(422, "malformed_ticket",
                           "Nomor tiket tidak valid: gunakan huruf besar, angka dan '-', 3 sampai 64 karakter")
        async with runtime.sessions() as session:
            await store.snapshot(session)
            case = await store.get(session, ticket)
        if case is None:
            return refusal(404, "unknown_ticket", f"Tiket {ticket} tidak ditemukan")
        return ComplaintRead.of(case)

    @router.get("/complaints", response_model=ComplaintPage, responses={422: {"description": "bad parameter"}})
    async def list_complaints(
        opd: str | None = None, status: str | None = None, limit: str | None = None,
        cursor: str | None = None, overdue: str | None = None,
    ):
        """Complaints newest first, filtered by OPD, status and overdue; follow next_cursor for more."""
        try:
            filters = parse_filters(opd, status, limit, overdue)
            after = decode_page_token(cursor) if cursor else None
        except BadParamError as exc:
            return refusal(422, exc.reason, exc.detail)
        now = datetime.now(UTC)
        async with runtime.sessions() as session:
            await store.snapshot(session)
            cases = await store.page(
                session, opd=filters.opd, status=filters.status, overdue=filters.overdue, now=now,
                limit=filters.limit + 1, after=after,
            )
        more = len(cases) > filters.limit
        cases = cases[:filters.limit]
        return ComplaintPage(
            items=[ComplaintRead.of(c) for c in cases],
            next_cursor=encode_page_token(cases[-1]) if more and cases else None,
        )

    return router
