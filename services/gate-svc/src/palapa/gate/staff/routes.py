"""The staff workspace's pages: sign-in and out, the queue, a case and its legal next moves (server-rendered).

Every page needs a live session (else a redirect to the sign-in); every POST needs the session's CSRF token
(else 403). complaint-svc decides what the officer sees and may do; its refusals are shown as they come.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from palapa.contracts.events import CASE_STATUS_LABELS, CaseStatus, is_ticket

from ..pages import TEMPLATES
from ..sessions import cookie_secure as _secure
from ..upstream import UpstreamError
from .cases import FILTERS, Cases
from .oidc import Provider, SignInFailed
from .sessions import Session, Sessions

log = logging.getLogger(__name__)
COOKIE = "petugas_sesi"
MAX_FORM = 8 * 1024  # a move's form is a few fields; anything larger is not ours
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


def _to_sign_in() -> RedirectResponse:
    return RedirectResponse("/petugas/masuk", status_code=303, headers={"Cache-Control": "no-store"})


def staff_router(provider: Provider, cases: Cases, sessions: Sessions, public_url: str | None,
                 clock=time.time) -> APIRouter:
    router = APIRouter(tags=["petugas"], include_in_schema=False)

    def redirect_uri(request: Request) -> str:
        base = public_url or f"{request.headers.get('x-forwarded-proto', request.url.scheme)}://{request.url.netloc}"
        return base.rstrip("/") + "/petugas/callback"

    def current(request: Request) -> Session | None:
        return sessions.get(request.cookies.get(COOKIE), clock())

    async def form_of(request: Request, session: Session) -> dict[str, str] | Response:
        """The POSTed form's fields once its CSRF token is the session's; else the 403 (or 413) to answer."""
        body = await request.body()
        if len(body) > MAX_FORM:
            return problem(413, "Formulir terlalu besar.", session)
        try:
            fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), max_num_fields=20).items()}
        except (UnicodeDecodeError, ValueError):
            return problem(400, "Formulir tidak dapat dibaca.", session)
        if not session.csrf_ok(fields.get("csrf")):
            return problem(403, "Formulir kedaluwarsa atau bukan dari halaman ini (token CSRF tidak cocok). "
                                "Muat ulang halaman lalu coba lagi.", session)
        return fields

    @router.get("/petugas/masuk")
    async def sign_in(request: Request) -> Response:
        pending = sessions.begin(clock())
        try:
            url = await provider.authorize_url(pending, redirect_uri(request))
        except SignInFailed as exc:
            log.warning("staff sign-in unavailable: %s", exc)
            return problem(503, "Layanan masuk petugas sedang tidak tersedia; coba lagi sebentar lagi.")
        return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})

    @router.get("/petugas/callback")
    async def callback(request: Request, code: str | None = None, state: str | None = None) -> Response:
        pending = sessions.take_pending(state, clock())
        if pending is None or not code:
            return problem(400, "Proses masuk tidak dikenali atau sudah kedaluwarsa. Silakan masuk lagi.")
        try:
            token, principal = await provider.finish(code, pending, redirect_uri(request))
        except SignInFailed as exc:
            log.warning("staff sign-in refused: %s", exc)
            return problem(403, "Masuk gagal: identitas dari penyedia tidak dapat diterima. Silakan masuk lagi.")
        exp = principal.claims.get("exp")
        session = sessions.open(token, principal.claims, principal, clock(),
                                float(exp) if isinstance(exp, int | float) else clock())
        answer = RedirectResponse("/petugas", status_code=303, headers={"Cache-Control": "no-store"})
        answer.set_cookie(COOKIE, session.sid, path="/petugas", httponly=True, samesite="lax",
                          secure=_secure(request, public_url))
        return answer

    @router.post("/petugas/keluar")
    async def sign_out(request: Request) -> Response:
        session = current(request)
        if session is None:
            return _to_sign_in()
        fields = await form_of(request, session)
        if isinstance(fields, Response):
            return fields
        sessions.close(session.sid)
        answer = problem(200, "Anda telah keluar dari ruang kerja petugas.")
        answer.delete_cookie(COOKIE, path="/petugas", httponly=True, samesite="lax",
                             secure=_secure(request, public_url))
        return answer

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
