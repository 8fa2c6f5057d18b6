"""Escalations waiting for the Sekda or the Wali Kota (/petugas/eskalasi): complaint-svc's /escalations for the
signed-in person's level (the desk sees all), the longest waiting first, each with an instruction form for those
who act on escalations. complaint-svc refuses everyone else (403), and the page says so."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import Response

from palapa.kit.auth import Permission

from ..upstream import UpstreamError
from .cases import Cases
from .web import Guard, page, problem, refusal_text, to_sign_in

log = logging.getLogger(__name__)
#: who an escalation level waits for (complaint-svc's sla CHAIN: 2 the Sekda, 3 the Wali Kota)
LEVELS = {2: "Sekda", 3: "Wali Kota"}


def leaders_router(guard: Guard, cases: Cases) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/petugas/eskalasi")
    async def escalations(request: Request) -> Response:
        session = guard.current(request)
        if session is None:
            return to_sign_in()
        try:
            reply = await cases.escalations(session.token)
        except UpstreamError as exc:
            log.warning("escalations unavailable: %s", exc)
            return problem(503, "Daftar eskalasi sedang tidak tersedia; coba lagi sebentar lagi.", session)
        if reply.status != 200:
            return problem(reply.status, "Daftar eskalasi hanya untuk meja pengaduan, Sekda dan Wali Kota: "
                           + refusal_text(reply.body, "permintaan ditolak."), session)
        return page("petugas_eskalasi.html", who=session, items=reply.body.get("items", []),
                    more=bool(reply.body.get("more")), levels=LEVELS,
                    may_instruct=session.may(Permission.ESCALATIONS_ACT))

    return router
