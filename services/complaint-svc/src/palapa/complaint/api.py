"""The case API: one complaint by ticket, and paged listings by OPD and status."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime

from fastapi import APIRouter
from pydantic import BaseModel

from palapa.contracts.events import ComplaintStatus, is_ticket
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

from . import domain, store

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
OPD_CODE = re.compile(r"^[A-Z0-9_-]{2,64}$")


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


class BadParamError(ValueError):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def encode_cursor(case: domain.Case) -> str:
    raw = json.dumps({"at": case.submitted_at.isoformat(), "t": case.ticket}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The keyset position a cursor names; BadParamError when it is not one of ours."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        at = datetime.fromisoformat(raw["at"])
        ticket = raw["t"]
        if at.tzinfo is None or not isinstance(ticket, str):
            raise ValueError("not a cursor")
        return at, ticket
    except (ValueError, KeyError, TypeError) as exc:
        raise BadParamError("invalid_cursor", "Cursor halaman tidak dikenali") from exc


def parse_filters(opd: str | None, status: str | None, limit: str | None, overdue: str | None):
    """Validated listing parameters; BadParamError names the first bad one."""
    if opd is not None:
        opd = opd.strip().upper()
        if not OPD_CODE.fullmatch(opd):
            raise BadParamError("invalid_opd", "Kode OPD tidak valid")
    parsed_status = None
    if status is not None:
        try:
            parsed_status = ComplaintStatus(status.strip().lower())
        except ValueError as exc:
            allowed = ", ".join(s.value for s in ComplaintStatus)
            raise BadParamError("invalid_status", f"Status tidak dikenal; pilih salah satu: {allowed}") from exc
    n = DEFAULT_LIMIT
    if limit is not None:
        if not limit.strip().isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
            raise BadParamError("invalid_limit", f"limit harus bilangan 1 sampai {MAX_LIMIT}")
        n = int(limit)
    overdue_flag = None
    if overdue is not None:
        if overdue.lower() not in ("true", "1", "false", "0"):
            raise BadParamError("invalid_overdue", "overdue harus true atau false")
        overdue_flag = overdue.lower() in ("true", "1")
    return opd, parsed_status, n, overdue_flag


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
            opd_code, status_value, n, overdue_flag = parse_filters(opd, status, limit, overdue)
            after = decode_cursor(cursor) if cursor else None
        except BadParamError as exc:
            return refusal(422, exc.reason, exc.detail)
        now = datetime.now(UTC)
        async with runtime.sessions() as session:
            cases = await store.page(
                session, opd=opd_code, status=status_value, overdue=overdue_flag, now=now, limit=n + 1, after=after
            )
        more = len(cases) > n
        cases = cases[:n]
        return ComplaintPage(
            items=[ComplaintRead.of(c) for c in cases],
            next_cursor=encode_cursor(cases[-1]) if more and cases else None,
        )

    return router
