"""The on-time rate per OPD over the last four weeks (/petugas/kinerja): complaint-svc's /stats/on-time as a chart
(inline SVG, no script) and a table."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..upstream import UpstreamError
from . import chart
from .cases import Cases
from .web import Guard, page, problem, refusal_text, to_sign_in

log = logging.getLogger(__name__)
WEEKS = 4


def kinerja_router(guard: Guard, cases: Cases) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/petugas/kinerja")
    async def kinerja(request: Request) -> Response:
        session = guard.current(request)
        if session is None:
            return to_sign_in()
        try:
            reply = await cases.on_time(session.token, WEEKS)
        except UpstreamError as exc:
            log.warning("on-time figures unavailable: %s", exc)
            return problem(503, "Angka kinerja sedang tidak tersedia; coba lagi sebentar lagi.", session)
        if reply.status != 200:
            return problem(reply.status, refusal_text(reply.body, "Permintaan ditolak."), session)
        items = [i for i in reply.body.get("items", []) if isinstance(i, dict)]
        return page("petugas_kinerja.html", who=session, items=items, weeks=reply.body.get("weeks", []),
                    chart=chart.layout(items), percent=chart.percent)

    return router
