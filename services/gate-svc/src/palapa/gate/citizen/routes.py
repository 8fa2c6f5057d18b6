"""The citizen's sign-in and "Kasus saya" pages (server-rendered, no script).

/masuk (number) → a code by WhatsApp through notify-svc → /masuk/kode → a session (cookie `warga_sesi`, path /).
Before the session, both forms carry a CSRF token that must equal a cookie of its own (double submit); after it,
every form carries the session's. The number is never kept or shown beyond its masked form.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from palapa.contracts.events import CASE_STATUS_LABELS, CaseStatus, is_ticket

from ..pages import render
from ..sessions import cookie_secure as _secure
from ..sessions import new_id, same_secret
from ..upstream import UpstreamError
from . import phone
from .accounts import COOKIE, Citizens, CitizenSession
from .bills import DROPPED, FOLLOWED, bills_of, bills_router
from .codes import Refused, Verified, Wrong
from .incidents import CLAIMED as INCIDENT_CLAIMED
from .incidents import PREFIX as INCIDENT
from .incidents import claimable_incidents_of, incident_page, incidents_of, incidents_router
from .legacy_claims import CLAIMED, claimable_of, legacy_claims_router
from .letters import letter_page, letters_of, letters_router
from .services import CitizenBills, CitizenCases, CitizenIncidents, CitizenLetters, Notifier

log = logging.getLogger(__name__)
PRE_CSRF = "warga_csrf"  # the sign-in forms' CSRF cookie (path /masuk)
CHALLENGE = "warga_tantangan"  # which code is awaited: a random id, never the number (path /masuk)
MAX_FORM = 4 * 1024
NO_STORE = {"Cache-Control": "no-store"}
LABELS = {s.value: CASE_STATUS_LABELS.get(s, s.value) for s in CaseStatus}
NEXT = {
    "received": "Pengaduan diterima; petugas akan memeriksanya.",
    "verified": "Pengaduan sudah diperiksa; menunggu diteruskan ke OPD yang berwenang.",
    "dispositioned": "Pengaduan sudah diteruskan ke OPD; menunggu ditangani.",
    "in_progress": "OPD sedang menangani pengaduan Anda.",
    "reopened": "Pengaduan dibuka kembali dan akan ditangani lagi.",
    "resolved": "Sudah selesai ditangani: beri penilaian Anda lewat tautan pribadi.",
}


def message(title: str, text: str, status: int = 200, ok: bool = False, back: str | None = None,
            back_text: str | None = None) -> HTMLResponse:
    answer = render("warga_pesan.html", status, title=title, message=text, ok=ok, back=back, back_text=back_text)
    answer.headers.update(NO_STORE)
    return answer


async def read_form(request: Request) -> dict[str, str] | None:
    body = await request.body()
    if len(body) > MAX_FORM:
        return None
    try:
        return {k: v[0] for k, v in parse_qs(body.decode("utf-8"), max_num_fields=10).items()}
    except (UnicodeDecodeError, ValueError):
        return None


def citizen_router(citizens: Citizens, notifier: Notifier, cases: CitizenCases, bills: CitizenBills,
                   letters: CitizenLetters, incidents: CitizenIncidents, public_url: str | None,
                   clock=time.time) -> APIRouter:
    router = APIRouter(tags=["warga"], include_in_schema=False)

    def cookie(answer: Response, request: Request, name: str, value: str, path: str, max_age: int | None = None):
        answer.set_cookie(name, value, path=path, httponly=True, samesite="lax", max_age=max_age,
                          secure=_secure(request, public_url))

    def current(request: Request) -> CitizenSession | None:
        return citizens.get(request.cookies.get(COOKIE), clock())

    def sign_in_form(request: Request, status: int = 200, problem: str | None = None, typed: str = "") -> Response:
        csrf = request.cookies.get(PRE_CSRF) or new_id()
        answer = render("masuk.html", status, csrf=csrf, problem=problem, typed=typed)
        answer.headers.update(NO_STORE)
        cookie(answer, request, PRE_CSRF, csrf, "/masuk")
        return answer

    def code_form(request: Request, mask: str, status: int = 200, problem: str | None = None) -> Response:
        answer = render("masuk_kode.html", status, csrf=request.cookies.get(PRE_CSRF, ""), mask=mask, problem=problem)
        answer.headers.update(NO_STORE)
        return answer

    async def pre_session_form(request: Request) -> dict[str, str] | Response:
        fields = await read_form(request)
        if fields is None:
            return message("Masuk", "Formulir tidak dapat dibaca.", 400, back="/masuk")
        if not same_secret(request.cookies.get(PRE_CSRF, ""), fields.get("csrf")):
            return message("Masuk", "Formulir kedaluwarsa atau bukan dari halaman ini. Muat ulang halaman lalu "
                                    "coba lagi.", 403, back="/masuk")
        return fields

    async def session_form(request: Request) -> tuple[CitizenSession, dict[str, str]] | Response:
        session = current(request)
        if session is None:
            return RedirectResponse("/masuk", status_code=303, headers=NO_STORE)
        fields = await read_form(request)
        if fields is None:
            return message("Kasus saya", "Formulir tidak dapat dibaca.", 400, back="/kasus")
        if not session.csrf_ok(fields.get("csrf")):
            return message("Kasus saya", "Formulir kedaluwarsa atau bukan dari halaman ini (token CSRF tidak "
                                         "cocok). Muat ulang halaman lalu coba lagi.", 403, back="/kasus")
        return session, fields

    @router.get("/masuk")
    async def sign_in(request: Request) -> Response:
        if current(request) is not None:
            return RedirectResponse("/kasus", status_code=303, headers=NO_STORE)
        return sign_in_form(request)

    @router.post("/masuk")
    async def send_code(request: Request) -> Response:
        fields = await pre_session_form(request)
        if isinstance(fields, Response):
            return fields
        number = phone.normalise(fields.get("hp"))
        if number is None:
            return sign_in_form(request, 422, "Nomor HP tidak valid: tulis nomor seluler Indonesia, misalnya "
                                              "0812 3456 7890.", (fields.get("hp") or "")[:32])
        mask = phone.masked(number)
        issued = citizens.codes.issue(phone.account_of(number, citizens.secret), mask, clock())
        if isinstance(issued, Refused):
            return _too_many(issued)
        try:
            answer = await notifier.send_code(number, issued.code, issued.challenge)
        except UpstreamError as exc:
            log.warning("one-time code not sent: %s", exc)
            return sign_in_form(request, 503, "Kode belum dapat dikirim; coba lagi sebentar lagi.")
        if answer.status == 429:
            return sign_in_form(request, 429, "Terlalu banyak pesan ke nomor ini; coba lagi nanti.")
        to_code = RedirectResponse("/masuk/kode", status_code=303, headers=NO_STORE)
        cookie(to_code, request, CHALLENGE, issued.challenge, "/masuk", int(citizens.codes.ttl_s))
        return to_code

    @router.get("/masuk/kode")
    async def code_page(request: Request) -> Response:
        waiting = citizens.codes.challenges.get(request.cookies.get(CHALLENGE) or "")
        if waiting is None or waiting.expires <= clock():
            return RedirectResponse("/masuk", status_code=303, headers=NO_STORE)
        return code_form(request, waiting.mask)

    @router.post("/masuk/kode")
    async def check_code(request: Request) -> Response:
        fields = await pre_session_form(request)
        if isinstance(fields, Response):
            return fields
        challenge = request.cookies.get(CHALLENGE)
        waiting = citizens.codes.challenges.get(challenge or "")
        outcome = citizens.codes.verify(challenge, fields.get("kode", "")[:12], clock())
        if outcome is None:
            return message("Masuk", "Kode sudah kedaluwarsa atau sudah dipakai. Minta kode baru.", 400,
                           back="/masuk", back_text="Minta kode baru")
        if isinstance(outcome, Refused):
            return _too_many(outcome)
        if isinstance(outcome, Wrong):
            return code_form(request, waiting.mask if waiting else "", 400,
                             f"Kode salah. Sisa percobaan: {outcome.tries_left}.")
        assert isinstance(outcome, Verified)
        session = citizens.open(outcome, clock())
        signed_in = RedirectResponse("/kasus", status_code=303, headers=NO_STORE)
        cookie(signed_in, request, COOKIE, session.sid, "/")
        signed_in.delete_cookie(CHALLENGE, path="/masuk")
        signed_in.delete_cookie(PRE_CSRF, path="/masuk")
        return signed_in

    @router.post("/keluar")
    async def sign_out(request: Request) -> Response:
        found = await session_form(request)
        if isinstance(found, Response):
            return found
        citizens.close(found[0].sid)
        answer = message("Keluar", "Anda telah keluar. Sampai jumpa.", ok=True)
        answer.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=_secure(request, public_url))
        return answer

    @router.get("/kasus")
    async def my_cases(request: Request, notice: str | None = None) -> Response:
        session = current(request)
        if session is None:
            return RedirectResponse("/masuk", status_code=303, headers=NO_STORE)
        return await listing(session, notice=NOTICES.get(notice or ""))

    async def listing(session: CitizenSession, status: int = 200, notice: str | None = None,
                      problem: str | None = None) -> Response:
        items, token = None, citizens.token(session, clock())
        try:
            answer = await cases.mine(token)
        except UpstreamError as exc:
            log.warning("a citizen's cases unavailable: %s", exc)
            problem, status = problem or "Daftar kasus sedang tidak tersedia; coba lagi sebentar lagi.", 503
        else:
            if answer.status == 200:
                items = [{**c, "status_label": LABELS.get(c.get("status"), c.get("status")),
                          "next": NEXT.get(c.get("status"))} for c in answer.body.get("items", [])]
            else:
                problem, status = problem or "Daftar kasus tidak dapat dibuka.", answer.status
        page = render("kasus.html", status, who=session, items=items, notice=notice, problem=problem,
                      bills=await bills_of(bills, token), letters=await letters_of(letters, token),
                      claimable=await claimable_of(cases, session, token),
                      incidents=await incidents_of(incidents, token),
                      claimable_incidents=await claimable_incidents_of(incidents, session, token))
        page.headers.update(NO_STORE)
        return page

    @router.get("/kasus/{ticket}")
    async def one_case(request: Request, ticket: str) -> Response:
        """One of the citizen's cases with its timeline (complaint-svc opens it for its owner only)."""
        session = current(request)
        if session is None:
            return RedirectResponse("/masuk", status_code=303, headers=NO_STORE)
        gone = message("Kasus saya", "Pengaduan ini tidak ada di akun Anda.", 404, back="/kasus",
                       back_text="Kembali ke Kasus saya")
        if not is_ticket(ticket):
            return gone
        if ticket.startswith("SURAT-"):  # a letter: tracking-svc's, for its owner only
            return await letter_page(letters, citizens.token(session, clock()), ticket, gone, message)
        if ticket.startswith(INCIDENT):  # a PSC 119 incident: tracking-svc's, once claimed by its caller
            return await incident_page(incidents, citizens.token(session, clock()), ticket, gone, message)
        try:
            answer = await cases.case(citizens.token(session, clock()), ticket)
        except UpstreamError as exc:
            log.warning("a citizen's case unavailable: %s", exc)
            return message("Kasus saya", "Pengaduan sedang tidak dapat dibuka; coba lagi sebentar lagi.", 503,
                           back="/kasus")
        if answer.status == 404 and answer.body.get("reason") == "not_open_yet":
            return message("Kasus saya", "Pengaduan Anda sedang diteruskan; buka lagi sebentar lagi.", 200, ok=True,
                           back="/kasus", back_text="Kembali ke Kasus saya")
        if answer.status != 200:  # another account's, or unknown: the same answer
            return gone
        page = render("kasus_detail.html", case=answer.body, next=NEXT.get(answer.body.get("status")))
        page.headers.update(NO_STORE)
        return page

    @router.post("/kasus/klaim")
    async def claim(request: Request) -> Response:
        found = await session_form(request)
        if isinstance(found, Response):
            return found
        session, fields = found
        ticket = (fields.get("tiket") or "").strip().upper()[:64]
        pin = (fields.get("pin") or "").strip()[:12]
        if not is_ticket(ticket):
            return await listing(session, 422, problem="Nomor tiket tidak valid.")
        try:
            answer = await cases.claim(citizens.token(session, clock()), ticket, pin)
        except UpstreamError as exc:
            log.warning("claim unavailable: %s", exc)
            return await listing(session, 503, problem="Pengaduan belum dapat ditambahkan; coba lagi sebentar lagi.")
        if answer.status == 200:
            return RedirectResponse("/kasus?notice=klaim", status_code=303, headers=NO_STORE)
        detail = answer.body.get("detail")
        return await listing(session, answer.status if answer.status in (403, 404, 409, 422, 429) else 400,
                             problem=detail if isinstance(detail, str) else "Pengaduan tidak dapat ditambahkan.")

    router.include_router(bills_router(citizens, bills, session_form, listing, clock))
    router.include_router(letters_router(citizens, letters, session_form, clock))
    router.include_router(legacy_claims_router(citizens, cases, session_form, listing, clock))
    router.include_router(incidents_router(citizens, incidents, session_form, listing, clock))
    return router


NOTICES = {"klaim": "Pengaduan sudah ditambahkan ke akun Anda.", "klaim-hp": CLAIMED, "pbb": FOLLOWED,
           "klaim-darurat": INCIDENT_CLAIMED,
           "pbb-hapus": DROPPED}


def _too_many(refused: Refused) -> Response:
    minutes = refused.wait_s // 60 + 1
    text = (f"Terlalu banyak kode salah: masuk dengan nomor ini dikunci. Coba lagi dalam {minutes} menit."
            if refused.why == "locked" else
            f"Terlalu banyak kode dikirim ke nomor ini. Coba lagi dalam {minutes} menit.")
    answer = message("Masuk", text, 429, back="/", back_text="Kembali ke beranda")
    answer.headers["Retry-After"] = str(refused.wait_s)
    return answer
