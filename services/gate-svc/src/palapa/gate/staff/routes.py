"""The staff workspace's pages: the queue, a case and its legal next moves (server-rendered; sign-in: desk.py).

Every page needs a live session (else a redirect to the sign-in); every POST needs the session's CSRF token
(else 403). complaint-svc decides what the officer sees and may do; its refusals are shown as they come.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from palapa.contracts.events import CASE_STATUS_LABELS, CaseStatus, is_ticket

from ..pages import TEMPLATES
from ..upstream import UpstreamError
from .cases import FILTERS, Cases
from .desk import Desk
from .sessions import Session

log = logging.getLogger(__name__)
COOKIE = "petugas_sesi"
MOVE_FIELDS = ("note", "responsible", "duplicate_of", "opd")
STAFF_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self'; "
                               "form-action 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # a case's page may carry a reporter's identity: never kept by a cache
}
LABELS = {s.value: CASE_STATUS_LABELS.get(s, s.value) for s in CaseStatus}


def page(name: str, status: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(TEMPLATES.get_template(name).render(labels=LABELS, **context), status_code=status,
                        headers=STAFF_HEADERS)


def problem(status: int, message: str, session: Session | None = None) -> HTMLResponse:
    return page("petugas_pesan.html", status, title="Petugas", message=message, who=session)


def staff_router(desk: Desk, cases: Cases) -> APIRouter:
    """The queue, a case and its moves; the sign-in is the desk's (desk.router())."""
    router = APIRouter(tags=["petugas"], include_in_schema=False)
    current, form_of, _to_sign_in = desk.current, desk.form_of, desk.to_sign_in

    @router.get("/petugas")
    async def queue(request: Request) -> Response:
        session = current(request)
        if session is None:
            return _to_sign_in()
        filters = {k: (request.query_params.get(k) or "").strip()[:100] for k in FILTERS}
        try:
            reply = await cases.queue(session.token, filters)
        except UpstreamError as exc:
            log.warning("queue unavailable: %s", exc)
            return problem(503, "Daftar pengaduan sedang tidak tersedia; coba lagi sebentar lagi.", session)
        if reply.status != 200:
            return page("petugas.html", reply.status, who=session, filters=filters, items=[],
                        refusal=str(reply.body.get("detail", "Permintaan ditolak")))
        return page("petugas.html", who=session, filters=filters, items=reply.body.get("items", []), refusal=None)

    @router.get("/petugas/kasus/{ticket}")
    async def case_page(request: Request, ticket: str) -> Response:
        session = current(request)
        if session is None:
            return _to_sign_in()
        return await show(session, ticket)

    async def show(session: Session, ticket: str, status: int = 200, notice: str | None = None) -> Response:
        if not is_ticket(ticket):
            return problem(404, "Nomor tiket tidak valid.", session)
        try:
            reply = await cases.case(session.token, ticket)
        except UpstreamError as exc:
            log.warning("case unavailable: %s", exc)
            return problem(503, "Pengaduan sedang tidak dapat dibuka; coba lagi sebentar lagi.", session)
        if reply.status != 200 or "next_moves" not in reply.body:
            # a case of another OPD reads as the public's at best: the workspace shows it as not theirs
            return problem(404 if reply.status in (200, 401, 403, 404) else reply.status,
                           f"Pengaduan {ticket} tidak ditemukan di antrean Anda.", session)
        return page("petugas_kasus.html", status, who=session, case=reply.body, notice=notice)

    @router.post("/petugas/kasus/{ticket}/status")
    async def move(request: Request, ticket: str) -> Response:
        session = current(request)
        if session is None:
            return _to_sign_in()
        fields = await form_of(request, session)
        if isinstance(fields, Response):
            return fields
        if not is_ticket(ticket):
            return problem(404, "Nomor tiket tidak valid.", session)
        wanted = {"status": fields.get("status", "")}
        wanted |= {k: fields[k].strip() for k in MOVE_FIELDS if fields.get(k, "").strip()}
        try:
            reply = await cases.move(session.token, ticket, wanted)
        except UpstreamError as exc:
            log.warning("move unavailable: %s", exc)
            return problem(503, "Perubahan belum dapat disimpan; coba lagi sebentar lagi.", session)
        if reply.status == 200:
            return RedirectResponse(f"/petugas/kasus/{ticket}", status_code=303, headers={"Cache-Control": "no-store"})
        detail = reply.body.get("detail")
        reason = detail if isinstance(detail, str) else "Perubahan tidak sah untuk pengaduan ini."
        if reply.status in (401, 403, 404):
            return problem(reply.status, f"Pengaduan {ticket} tidak dapat Anda ubah: {reason}", session)
        return await show(session, ticket, 409 if reply.status == 409 else 422, f"Perubahan ditolak: {reason}")

    return router
