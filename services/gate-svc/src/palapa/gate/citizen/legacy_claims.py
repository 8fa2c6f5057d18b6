"""The legacy cases recorded with the citizen's phone number, in "Kasus saya": offered, and claimed with a button.

complaint-svc matches them (a bridge keys the number the legacy app recorded as the gate keys a phone account,
palapa.contracts.phone) and binds one on the signed-in citizen's request; the page never sees a number or a hash.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from itertools import groupby

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from palapa.contracts.events import is_ticket

from ..upstream import UpstreamError
from .accounts import Citizens, CitizenSession
from .services import CitizenCases

log = logging.getLogger(__name__)
NO_STORE = {"Cache-Control": "no-store"}
#: the legacy apps' names as citizens know them (an app not named here shows its id)
APP_NAMES = {"curhat-ning-ita": "Curhat Ning Ita"}
CLAIMED = "Aduan sudah ditambahkan ke akun Anda."
#: what complaint-svc's refusals mean on the page
REFUSALS = {
    "not_claimable": (404, "Aduan ini tidak tercatat dengan nomor HP Anda."),
    "claimed_by_another": (409, "Aduan ini sudah terhubung ke akun lain."),
    "phone_account_required": (403, "Masuk dengan nomor HP untuk menambahkan aduan yang tercatat dengan nomor Anda."),
    "malformed_ticket": (422, "Nomor tiket tidak valid."),
}


async def claimable_of(cases: CitizenCases, session: CitizenSession, token: str) -> list[dict]:
    """The claimable cases grouped by app ([{"app", "items"}]); none for an account that is no phone account, or
    when complaint-svc cannot say now (the page still shows the citizen's own cases)."""
    if session.assurance != 2:
        return []
    try:
        answer = await cases.claimable(token)
    except UpstreamError as exc:
        log.warning("a citizen's claimable cases unavailable: %s", exc)
        return []
    items = answer.body.get("items", []) if answer.status == 200 else []
    return [{"app": APP_NAMES.get(name, name), "items": list(group)}
            for name, group in groupby(sorted(items, key=_app), key=_app)]


def _app(item: dict) -> str:
    return str(item.get("source_app") or "")


def phone_claim_router(path: str, notice: str, accepts: Callable[[str], bool],
                       claim: Callable[[str, str], Awaitable], refusals: dict[str, tuple[int, str]], what: str,
                       citizens: Citizens, session_form: Callable[[Request], Awaitable],
                       listing: Callable[..., Awaitable[Response]], clock) -> APIRouter:
    """POST `path`: the signed-in phone account claims a case its number filed (`claim(token, ticket)` upstream),
    then back to Kasus saya with `notice`; a refusal is shown on the list by `refusals` (`what`: "Aduan", ...)."""
    router = APIRouter(tags=["warga"], include_in_schema=False)

    @router.post(path)
    async def claim_by_phone(request: Request) -> Response:
        found = await session_form(request)
        if isinstance(found, Response):
            return found
        session, fields = found
        ticket = (fields.get("tiket") or "").strip()[:64]
        if not (is_ticket(ticket) and accepts(ticket)):
            status, text = refusals["malformed_ticket"]
            return await listing(session, status, problem=text)
        try:
            answer = await claim(citizens.token(session, clock()), ticket)
        except UpstreamError as exc:
            log.warning("%s unavailable: %s", path, exc)
            return await listing(session, 503, problem=f"{what} belum dapat ditambahkan; coba lagi sebentar lagi.")
        if answer.status == 200:
            return RedirectResponse(f"/kasus?notice={notice}", status_code=303, headers=NO_STORE)
        status, text = refusals.get(answer.body.get("reason"), (400, f"{what} tidak dapat ditambahkan."))
        return await listing(session, status, problem=text)

    return router


def legacy_claims_router(citizens: Citizens, cases: CitizenCases, session_form: Callable[[Request], Awaitable],
                         listing: Callable[..., Awaitable[Response]], clock) -> APIRouter:
    return phone_claim_router("/kasus/klaim-hp", "klaim-hp", lambda ticket: True, cases.claim_by_phone, REFUSALS,
                              "Aduan", citizens, session_form, listing, clock)
