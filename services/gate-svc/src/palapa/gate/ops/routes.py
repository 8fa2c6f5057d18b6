"""The console's pages (server-rendered, no script): dead letters, outboxes, bridges; SRE only, CSRF on every form.

Sign-in is the staff areas' own (staff/desk.py) under /ops with its own cookie; a session without the SRE role
sees a 403 page. Every action is a POST to the service that owns the thing, with the SRE's token; that service
checks the role again and writes the audit record.
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..pages import TEMPLATES
from ..staff.desk import NO_STORE, Desk
from ..staff.routes import STAFF_HEADERS
from ..staff.sessions import Session
from ..upstream import UpstreamError
from .charts import columns_chart, lag_chart, lines_chart
from .console import FILTERS, Console
from .replayroutes import add_replay

log = logging.getLogger(__name__)
COOKIE = "ops_sesi"
SRE_ROLES = frozenset({"sre"})
LETTER_ACTIONS = ("redrive", "discard")
REDRIVE_TARGETS = ("topic", "consumer")  # back on its topic, or straight to the consumer that refused it
OUTBOX_ACTIONS = ("release", "discard")
UNAVAILABLE = "sedang tidak tersedia; coba lagi sebentar lagi."


def page(name: str, status: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(TEMPLATES.get_template(name).render(**context), status_code=status, headers=STAFF_HEADERS)


def problem(status: int, message: str, session: Session | None = None) -> HTMLResponse:
    return page("ops_pesan.html", status, title="Konsol operasi", message=message, who=session)


def _id(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) <= 18 else None


def _back(to: str) -> RedirectResponse:
    return RedirectResponse(to, status_code=303, headers=NO_STORE)


def ops_router(desk: Desk, console: Console) -> APIRouter:
    router = APIRouter(tags=["ops"], include_in_schema=False)

    @router.get("/ops")
    async def letters(request: Request) -> Response:
        session = desk.admitted(request)
        if isinstance(session, Response):
            return session
        filters = {k: (request.query_params.get(k) or "").strip()[:200] for k in FILTERS}
        try:
            reply = await console.letters(session.token, filters)
        except UpstreamError as exc:
            log.warning("dead letters unavailable: %s", exc)
            return problem(503, "Daftar dead letter " + UNAVAILABLE, session)
        refusal = None if reply.status == 200 else str(reply.body.get("detail", "Permintaan ditolak"))
        return page("ops.html", 200 if refusal is None else reply.status, who=session, filters=filters,
                    found=reply.body if refusal is None else {}, refusal=refusal)

    @router.get("/ops/dead-letters/{letter_id}")
    async def letter(request: Request, letter_id: str) -> Response:
        session = desk.admitted(request)
        if isinstance(session, Response):
            return session
        return await show(session, letter_id)

    async def show(session: Session, letter_id: str, status: int = 200, notice: str | None = None) -> Response:
        number = _id(letter_id)
        if number is None:
            return problem(404, "Nomor dead letter tidak valid.", session)
        try:
            reply = await console.letter(session.token, number)
        except UpstreamError as exc:
            log.warning("dead letter unavailable: %s", exc)
            return problem(503, "Dead letter " + UNAVAILABLE, session)
        if reply.status != 200:
            return problem(reply.status, str(reply.body.get("detail", "Dead letter tidak ditemukan.")), session)
        return page("ops_letter.html", status, who=session, letter=reply.body, notice=notice)

    @router.post("/ops/dead-letters/{letter_id}/{action}")
    async def act_on_letter(request: Request, letter_id: str, action: str) -> Response:
        session = desk.admitted(request)
        if isinstance(session, Response):
            return session
        fields = await desk.form_of(request, session)
        if isinstance(fields, Response):
            return fields
        number = _id(letter_id)
        if number is None or action not in LETTER_ACTIONS:
            return problem(404, "Tindakan tidak dikenal.", session)
        why = fields.get("why", "").strip()[:500] or None
        try:
            to = fields.get("to") if action == "redrive" and fields.get("to") in REDRIVE_TARGETS else None
            reply = await console.act_on_letter(session.token, number, action, why, to)
        except UpstreamError as exc:
            log.warning("dead letter action unavailable: %s", exc)
            return problem(503, "Tindakan belum dapat dijalankan; ops-svc " + UNAVAILABLE, session)
        if reply.status == 200:
            return _back(f"/ops/dead-letters/{number}")
        detail = reply.body.get("detail")
        reason = detail if isinstance(detail, str) else "Isian tidak valid (alasan minimal 3 karakter)."
        return await show(session, letter_id, reply.status if reply.status in (403, 404, 409, 424) else 422,
                          f"Ditolak: {reason}")

    @router.get("/ops/outbox")
    async def outboxes(request: Request) -> Response:
        session = desk.admitted(request)
        if isinstance(session, Response):
            return session
        states = await console.outboxes_state(session.token)
        return page("ops_outbox.html", who=session, services=states, notice=request.query_params.get("pesan"))

    @router.post("/ops/outbox/{service}/{row_id}/{action}")
    async def act_on_outbox(request: Request, service: str, row_id: str, action: str) -> Response:
        session = desk.admitted(request)
        if isinstance(session, Response):
            return session
        fields = await desk.form_of(request, session)
        if isinstance(fields, Response):
            return fields
        number = _id(row_id)
        if number is None or action not in OUTBOX_ACTIONS or service not in console.outboxes:
            return problem(404, "Tindakan tidak dikenal.", session)
        why = fields.get("why", "").strip()[:500] or None
        try:
            reply = await console.act_on_outbox(session.token, service, number, action, why)
        except UpstreamError as exc:
            log.warning("outbox action unavailable: %s", exc)
            return problem(503, f"Tindakan belum dapat dijalankan; {service} " + UNAVAILABLE, session)
        if reply.status == 200:
            return _back("/ops/outbox")
        detail = reply.body.get("detail")
        reason = detail if isinstance(detail, str) else "Isian tidak valid (alasan minimal 3 karakter)."
        return problem(reply.status if reply.status in (403, 404, 409) else 422, f"Ditolak: {reason}", session)

    @router.get("/ops/consumers")
    async def consumers(request: Request) -> Response:
        session = desk.admitted(request)
        if isinstance(session, Response):
            return session
        states, history = await asyncio.gather(console.consumers_state(session.token),
                                               console.lag_history(session.token))
        rows = [{"service": s["service"], **p} for s in states for p in s.get("partitions", [])]
        return page("ops_consumers.html", who=session, services=states, chart=lag_chart(rows), history=history,
                    lines=lines_chart(history.get("series") or []))

    @router.get("/ops/layanan")
    async def service_level(request: Request) -> Response:
        session = desk.admitted(request)
        if isinstance(session, Response):
            return session
        level, rate, offsets = await console.service_level(session.token)
        hours = [h for h in rate.get("hours", []) if isinstance(h, dict)]
        chart = columns_chart([(str(h.get("starts", ""))[11:13], int(h.get("count") or 0)) for h in hours])
        return page("ops_layanan.html", who=session, level=level, rate=rate, chart=chart, offsets=offsets,
                    last_hour=hours[-1]["count"] if hours else None, day=sum(c.value for c in chart.columns))

    @router.get("/ops/bridges")
    async def bridges(request: Request) -> Response:
        session = desk.admitted(request)
        if isinstance(session, Response):
            return session
        try:
            apps = await console.bridges()
        except UpstreamError as exc:
            log.warning("bridges unavailable: %s", exc)
            return problem(503, "Daftar bridge " + UNAVAILABLE, session)
        return page("ops_bridges.html", who=session, apps=apps, replayable=console.outboxes)

    add_replay(router, desk, console, page, problem)
    return router
