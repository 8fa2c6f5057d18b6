"""The citizen's complaint form: the page at /lapor and POST /complaints (JSON), same origin, no third party."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy.exc import IntegrityError

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import FollowedHow
from palapa.kit.capability import MaybeCitizen
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime
from palapa.kit.sealed import seal_identity

from ..cases import keys
from ..cases.citizen import followed
from ..identity import Keys
from ..open311 import store, submission
from .form import KECAMATAN_OF, FormError, check_form, check_idempotency_key

PAGE = Path(__file__).parent / "page"
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                               "frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}
PORTAL_SOURCE = "/palapa/complaint-svc/portal"
MAX_BODY = 32 * 1024


def _refused(exc: FormError, status: int = 422) -> JSONResponse:
    return JSONResponse({"reason": "invalid_form" if status == 422 else "too_large", "field": exc.field,
                         "detail": exc.message}, status_code=status)


def portal_router(runtime: Runtime, track_url: str, sealers: Keys | None = None) -> APIRouter:
    sealers = sealers or Keys.development()
    router = APIRouter(tags=["portal"])

    def created(ticket: str, status: int, receipt: keys.Receipt | None = None) -> JSONResponse:
        """The receipt: the ticket, and once (the first answer only: they are kept hashed) the private link and
        the PIN. The capability is after '#': a browser never sends it, so no server or proxy logs it."""
        if receipt is None:
            return JSONResponse({"ticket": ticket, "link": None, "pin": None}, status_code=status)
        link = submission.private_link(track_url, ticket, receipt.capability)
        return JSONResponse({"ticket": ticket, "link": link, "pin": receipt.pin}, status_code=status,
                            headers={"Cache-Control": "no-store"})

    @router.get("/lapor", include_in_schema=False)
    async def form_page() -> FileResponse:
        return FileResponse(PAGE / "lapor.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)

    @router.get("/lapor/{asset}", include_in_schema=False)
    async def form_asset(asset: str):
        types = {"lapor.js": "text/javascript", "lapor.css": "text/css"}
        if asset not in types:
            return refusal(404, "not_found", "Berkas tidak ada.")
        return FileResponse(PAGE / asset, media_type=f"{types[asset]}; charset=utf-8", headers=PAGE_HEADERS)

    @router.post("/complaints", status_code=201, responses={422: {"description": "invalid_form (field, detail)"}})
    async def file_complaint(request: Request, citizen: MaybeCitizen):
        """File a complaint from the portal's form; the ticket, its private link and its PIN come back (once).
        Send the page's `Idempotency-Key`: a repeated POST answers the first one's ticket (without link or PIN).
        Filed by a citizen signed in at the gate (X-Citizen-Token), the case is theirs: in their "Kasus saya"."""
        try:
            key = check_idempotency_key(request.headers.get("idempotency-key"))
            raw = await request.body()
            if len(raw) > MAX_BODY:
                return _refused(FormError("form", "Formulir terlalu besar."), 413)
            try:
                body = json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                raise FormError("form", "Formulir tidak terbaca.") from None
            form = check_form(body)
        except FormError as exc:
            return _refused(exc)
        async with runtime.sessions() as session:
            earlier = await store.ticket_of_key(session, key)
        if earlier is not None:
            return created(earlier, 200)
        ticket, token, now = submission.new_ticket(), submission.new_token(), datetime.now(UTC)
        try:
            async with runtime.transaction() as tx:
                contact = submission.reporter(form.request, None, anonymous=form.anonymous)
                await store.add_submission(tx.session, ticket=ticket, token=token, channel="portal",
                                           client=None, req=form.request, at=now, idempotency_key=key,
                                           contact_sealed=sealers.seal_row(ticket, contact))
                receipt = await keys.issue(tx.session, ticket, now, citizen.subject if citizen else None)
                # the reporter, with their private link, sealed for notify-svc's complaint-received (issue 19)
                link = submission.private_link(track_url, ticket, receipt.capability)
                told = submission.reporter(form.request, link, anonymous=form.anonymous)
                event = submission.submitted(ticket, token, form.request, now, kelurahan=form.kelurahan,
                                             kecamatan=KECAMATAN_OF.get(form.kelurahan or ""), anonymous=form.anonymous,
                                             reporter_sealed=seal_identity(sealers.reporters, ticket, told))
                tx.publish(Envelope(event, source=PORTAL_SOURCE, subject=ticket))
                if citizen is not None:  # the citizen's one live stream carries it (notify-svc)
                    tx.publish(followed(ticket, citizen, FollowedHow.FILED, now, PORTAL_SOURCE))
        except IntegrityError:  # the same key, a moment earlier, from a double click
            async with runtime.sessions() as session:
                earlier = await store.ticket_of_key(session, key)
            if earlier is None:
                raise
            return created(earlier, 200)
        return created(ticket, 201, receipt)

    return router
