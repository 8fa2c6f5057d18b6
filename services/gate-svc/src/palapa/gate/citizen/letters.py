"""A letter from the kelurahan through Si Makel (issue 20): the request form, and the citizen's letters in
"Kasus saya". tracking-svc opens the ticket and sends the request to Si Makel (through bridge-simakel); the gate
only asks, on the citizen's behalf, with the citizen token it mints for the session."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ..pages import render
from ..sessions import new_id
from ..upstream import UpstreamError
from . import letter_form
from .accounts import COOKIE, Citizens, CitizenSession
from .once import form_key
from .services import CitizenLetters, items_of

log = logging.getLogger(__name__)
NO_STORE = {"Cache-Control": "no-store"}


async def letters_of(letters: CitizenLetters, token: str) -> list[dict] | None:
    """The citizen's letters with what happens next; None when tracking-svc cannot say now."""
    items = await items_of(letters.mine(token), "a citizen's letters")
    return None if items is None else [{**item, "next": letter_form.next_step(item)} for item in items]


async def letter_page(letters: CitizenLetters, token: str, ticket: str, gone: Response,
                      message: Callable[..., Response]) -> Response:
    """`/kasus/<SURAT-…>`: one of the citizen's letters; another account's, or none, is `gone` (404)."""
    try:
        answer = await letters.one(token, ticket)
    except UpstreamError as exc:
        log.warning("a citizen's letter unavailable: %s", exc)
        return message("Kasus saya", "Surat sedang tidak dapat dibuka; coba lagi sebentar lagi.", 503, back="/kasus")
    if answer.status != 200:
        return gone
    page = render("kasus_surat.html", letter=answer.body, next=letter_form.next_step(answer.body))
    page.headers.update(NO_STORE)
    return page


def letters_router(citizens: Citizens, letters: CitizenLetters,
                   session_form: Callable[[Request], Awaitable], clock) -> APIRouter:
    router = APIRouter(tags=["warga"], include_in_schema=False)

    def form(session: CitizenSession | None, status: int = 200, problem: str | None = None,
             typed: dict[str, str] | None = None, chosen: str | None = None) -> Response:
        page = render("surat.html", status, who=session, letters=letter_form.LETTERS, kecamatan=letter_form.KECAMATAN,
                      problem=problem, typed=typed or {}, chosen=chosen, kunci=new_id())
        page.headers.update(NO_STORE)
        return page

    @router.get("/surat")
    async def letter_form_page(request: Request, layanan: str | None = None) -> Response:
        """The request form for a signed-in citizen (one who is not is asked to sign in first)."""
        session = citizens.get(request.cookies.get(COOKIE), clock())
        return form(session, chosen=letter_form.SERVICE_LETTER.get((layanan or "")[:64]))

    @router.post("/surat")
    async def request_letter(request: Request) -> Response:
        found = await session_form(request)
        if isinstance(found, Response):
            return found
        session, fields = found
        typed = {k: (fields.get(k) or "")[:500] for k in ("jenis", "kelurahan", "nama", "nik", "hp", "keperluan")}
        body = letter_form.request_body(fields)
        if isinstance(body, str):
            return form(session, 422, body, typed)
        key = form_key(fields.get("kunci"))  # this rendering of the form: a second click gets the first's letter
        if (earlier := await session.forms.earlier(key)) is not None:
            return RedirectResponse(f"/kasus/{earlier}", status_code=303, headers=NO_STORE)
        session.forms.begin(key)
        ticket = None
        try:
            answer = await letters.request(citizens.token(session, clock()), body)
            if answer.status == 201:
                ticket = answer.body["ticket"]
        except UpstreamError as exc:
            log.warning("a letter request not sent: %s", exc)
            return form(session, 503, "Permohonan belum dapat dikirim; coba lagi sebentar lagi.", typed)
        finally:
            session.forms.end(key, ticket)
        if ticket is not None:
            return RedirectResponse(f"/kasus/{ticket}", status_code=303, headers=NO_STORE)
        detail = answer.body.get("detail")
        return form(session, answer.status if answer.status in (422, 429) else 400,
                    detail if isinstance(detail, str) else "Permohonan tidak dapat dikirim.", typed)

    return router
