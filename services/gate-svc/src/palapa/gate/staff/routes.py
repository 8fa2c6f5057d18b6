"""The staff workspace's pages: the queue, a case with its legal next moves and the desk's re-routing
(server-rendered; the sign-in is the desk's, desk.py); the escalations (leaders.py) and the on-time figures
(kinerja.py) join them here.

Every page needs a live session (else a redirect to the sign-in); every POST needs the session's CSRF token
(else 403). complaint-svc decides what the officer sees and may do; its refusals are shown as they come.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import Response

from palapa.contracts.events import is_ticket
from palapa.kit.auth import Permission

from ..upstream import UpstreamError
from .cases import FILTERS, Cases, Reply
from .desk import Desk
from .kinerja import kinerja_router
from .leaders import leaders_router
from .sessions import Session
from .web import COOKIE, STAFF_HEADERS, Guard, page, problem, refusal_text, see, to_sign_in

log = logging.getLogger(__name__)
MOVE_FIELDS = ("note", "responsible", "duplicate_of", "opd")

__all__ = ["COOKIE", "STAFF_HEADERS", "problem", "staff_router"]


def staff_router(desk: Desk, cases: Cases) -> APIRouter:
    """The queue, a case and its moves, the escalations and the on-time figures; the sign-in is the desk's
    (desk.router())."""
    router = APIRouter(tags=["petugas"], include_in_schema=False)
    guard = Guard(desk)

    @router.get("/petugas")
    async def queue(request: Request) -> Response:
        session = guard.current(request)
        if session is None:
            return to_sign_in()
        filters = {k: (request.query_params.get(k) or "").strip()[:100] for k in FILTERS}
        cursor = (request.query_params.get("cursor") or "").strip()[:600] or None  # complaint-svc checks it
        try:
            reply = await cases.queue(session.token, filters, cursor)
        except UpstreamError as exc:
            log.warning("queue unavailable: %s", exc)
            return problem(503, "Daftar pengaduan sedang tidak tersedia; coba lagi sebentar lagi.", session)
        if reply.status != 200:
            return page("petugas.html", reply.status, who=session, filters=filters, items=[],
                        refusal=refusal_text(reply.body, "Permintaan ditolak"))
        more = reply.body.get("next_cursor")
        following = {k: v for k, v in filters.items() if v} | {"cursor": more} if isinstance(more, str) else None
        return page("petugas.html", who=session, filters=filters, items=reply.body.get("items", []), refusal=None,
                    following=following, paged=cursor is not None)

    @router.get("/petugas/kasus/{ticket}")
    async def case_page(request: Request, ticket: str) -> Response:
        session = guard.current(request)
        if session is None:
            return to_sign_in()
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
        return page("petugas_kasus.html", status, who=session, case=reply.body, notice=notice,
                    may_reroute=session.may(Permission.CASES_REROUTE),
                    may_instruct=session.may(Permission.ESCALATIONS_ACT) and reply.body.get("escalation_level", 0) >= 2)

    async def act(request: Request, ticket: str, call) -> Response:
        """A POST on a case: session, CSRF, ticket, then `call(session, fields)` to complaint-svc; back to the
        case when done, its refusal shown as it came."""
        session = guard.current(request)
        if session is None:
            return to_sign_in()
        fields = await guard.form(request, session)
        if isinstance(fields, Response):
            return fields
        if not is_ticket(ticket):
            return problem(404, "Nomor tiket tidak valid.", session)
        try:
            reply: Reply = await call(session, fields)
        except UpstreamError as exc:
            log.warning("case change unavailable: %s", exc)
            return problem(503, "Perubahan belum dapat disimpan; coba lagi sebentar lagi.", session)
        if reply.status == 200:
            return see(f"/petugas/kasus/{ticket}")
        reason = refusal_text(reply.body, "Perubahan tidak sah untuk pengaduan ini.")
        if reply.status in (401, 403, 404):
            return problem(reply.status, f"Pengaduan {ticket} tidak dapat Anda ubah: {reason}", session)
        return await show(session, ticket, 409 if reply.status == 409 else 422, f"Perubahan ditolak: {reason}")

    @router.post("/petugas/kasus/{ticket}/status")
    async def move(request: Request, ticket: str) -> Response:
        def wanted(fields: dict[str, str]) -> dict[str, str]:
            return {"status": fields.get("status", "")} | {
                k: fields[k].strip() for k in MOVE_FIELDS if fields.get(k, "").strip()}

        return await act(request, ticket, lambda session, fields: cases.move(session.token, ticket, wanted(fields)))

    @router.post("/petugas/kasus/{ticket}/alihkan")
    async def reroute(request: Request, ticket: str) -> Response:
        return await act(request, ticket, lambda session, fields: cases.reroute(
            session.token, ticket, fields.get("opd", "").strip(), fields.get("reason", "").strip()))

    @router.post("/petugas/kasus/{ticket}/arahan")
    async def instruct(request: Request, ticket: str) -> Response:
        return await act(request, ticket, lambda session, fields: cases.instruct(
            session.token, ticket, fields.get("note", "").strip()))

    router.include_router(leaders_router(guard, cases))
    router.include_router(kinerja_router(guard, cases))
    return router
