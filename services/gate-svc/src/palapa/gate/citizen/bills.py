"""The citizen's PBB bills in "Kasus saya": follow a NOP, stop following it (taxbill-svc keeps the list)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ..upstream import UpstreamError
from .accounts import Citizens
from .services import CitizenBills, items_of

log = logging.getLogger(__name__)
NO_STORE = {"Cache-Control": "no-store"}
FOLLOWED = "NOP sudah ditambahkan; tagihannya tampil di bawah."
DROPPED = "NOP sudah dihapus dari akun Anda."


async def bills_of(bills: CitizenBills, token: str) -> list[dict] | None:
    """The NOPs the citizen follows with their newest bills; None when taxbill-svc cannot say now."""
    return await items_of(bills.mine(token), "a citizen's tax bills")


def bills_router(citizens: Citizens, bills: CitizenBills, session_form: Callable[[Request], Awaitable],
                 listing: Callable[..., Awaitable[Response]], clock) -> APIRouter:
    router = APIRouter(tags=["warga"], include_in_schema=False)

    async def change(request: Request, follow: bool) -> Response:
        found = await session_form(request)
        if isinstance(found, Response):
            return found
        session, fields = found
        nop = " ".join((fields.get("nop") or "").split())[:64]
        token = citizens.token(session, clock())
        try:
            answer = await (bills.follow(token, nop) if follow else bills.drop(token, nop))
        except UpstreamError as exc:
            log.warning("a citizen's NOP not changed: %s", exc)
            return await listing(session, 503, problem="Tagihan PBB belum dapat diubah; coba lagi sebentar lagi.")
        if answer.status in (200, 201):
            return RedirectResponse(f"/kasus?notice={'pbb' if follow else 'pbb-hapus'}", status_code=303,
                                    headers=NO_STORE)
        detail = answer.body.get("detail")
        return await listing(session, answer.status if answer.status in (400, 404, 409, 422) else 400,
                             problem=detail if isinstance(detail, str) else "NOP tidak dapat ditambahkan.")

    @router.post("/kasus/pbb")
    async def follow(request: Request) -> Response:
        return await change(request, True)

    @router.post("/kasus/pbb/hapus")
    async def drop(request: Request) -> Response:
        return await change(request, False)

    return router
