"""PSC 119 incidents in "Kasus saya" (issue 20): the ones called in from the citizen's number, offered and claimed
with a button, then listed with their status and what happens next, and followed live like any case of theirs.

tracking-svc matches them (bridge-psc119 keys the caller's number as the gate keys a phone account,
palapa.contracts.phone) and binds one on the signed-in citizen's request; the page never sees a number or a hash.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..pages import render
from ..upstream import UpstreamError
from .accounts import Citizens, CitizenSession
from .legacy_claims import phone_claim_router
from .services import CitizenIncidents, items_of

log = logging.getLogger(__name__)
NO_STORE = {"Cache-Control": "no-store"}
PREFIX = "PSC119-"
CLAIMED = "Kejadian darurat sudah ditambahkan ke akun Anda."
#: what happens next, by the incident's status as tracking-svc gives it
NEXT = {
    "reported": "Petugas PSC 119 sedang menyiapkan ambulans; tetap di dekat telepon Anda.",
    "dispatched": "Ambulans dalam perjalanan ke lokasi kejadian.",
    "handed_over": "Pasien sudah diserahkan ke fasilitas kesehatan; PSC 119 akan menutup kejadian ini.",
    "closed": "Kejadian sudah ditutup oleh PSC 119. Untuk keadaan darurat baru, telepon 119.",
}
#: what tracking-svc's refusals mean on the page
REFUSALS = {
    "not_claimable": (404, "Kejadian ini tidak dilaporkan dari nomor HP Anda."),
    "claimed_by_another": (409, "Kejadian ini sudah terhubung ke akun lain."),
    "phone_account_required": (403, "Masuk dengan nomor HP untuk menambahkan kejadian yang dilaporkan dari nomor "
                                    "Anda."),
    "malformed_ticket": (422, "Nomor tiket tidak valid."),
}


def next_step(incident: dict) -> str:
    return NEXT.get(incident.get("status") or "", "PSC 119 sedang menangani kejadian ini.")


async def incidents_of(incidents: CitizenIncidents, token: str) -> list[dict] | None:
    """The citizen's incidents with what happens next; None when tracking-svc cannot say now."""
    items = await items_of(incidents.mine(token), "a citizen's incidents")
    return None if items is None else [{**item, "next": next_step(item)} for item in items]


async def claimable_incidents_of(incidents: CitizenIncidents, session: CitizenSession, token: str) -> list[dict]:
    """The incidents called in from the citizen's number that no account owns; none for an account that is no phone
    account, or when tracking-svc cannot say now (the page still shows the rest)."""
    if session.assurance != 2:
        return []
    return await items_of(incidents.claimable(token), "a citizen's claimable incidents") or []


async def incident_page(incidents: CitizenIncidents, token: str, ticket: str, gone: Response,
                        message: Callable[..., Response]) -> Response:
    """`/kasus/<PSC119-…>`: one of the citizen's incidents; one that is not theirs, or none, is `gone` (404)."""
    try:
        mine = await incidents.mine(token)
    except UpstreamError as exc:
        log.warning("a citizen's incident unavailable: %s", exc)
        return message("Kasus saya", "Kejadian sedang tidak dapat dibuka; coba lagi sebentar lagi.", 503, back="/kasus")
    found = next((i for i in mine.body.get("items", []) if i.get("ticket") == ticket), None) \
        if mine.status == 200 else None
    if found is None:  # an incident is shown here only once it is the citizen's (claimed by phone)
        return gone
    page = render("kasus_darurat.html", incident=found, next=next_step(found))
    page.headers.update(NO_STORE)
    return page


def incidents_router(citizens: Citizens, incidents: CitizenIncidents, session_form: Callable[[Request], Awaitable],
                     listing: Callable[..., Awaitable[Response]], clock) -> APIRouter:
    return phone_claim_router("/kasus/klaim-darurat", "klaim-darurat", lambda ticket: ticket.startswith(PREFIX),
                              incidents.claim_by_phone, REFUSALS, "Kejadian", citizens, session_form, listing, clock)
