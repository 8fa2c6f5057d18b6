"""The bridges' replay from a point in time, as an SRE's form: the time (WIB) and a reason, then a confirmation page
that states the point in time in WIB and UTC; only the confirmed form asks the bridge (which checks the role again
and puts the replay, with the reason, on its audit log)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..staff.desk import Desk
from ..staff.sessions import Session
from ..upstream import UpstreamError
from .console import Console
from .replay import APP_ID, CITY_ZONE, ReplayFormError, since_of, why_of

log = logging.getLogger(__name__)


def add_replay(router: APIRouter, desk: Desk, console: Console, page: Callable[..., Response],
               problem: Callable[..., Response]) -> None:
    async def bridged(session: Session, app_id: str) -> dict | Response:
        """The app and its bridge, when the console can reach that bridge; else the page saying why not."""
        if not APP_ID.fullmatch(app_id):
            return problem(404, "Aplikasi tidak dikenal.", session)
        try:
            reply = await console.app(app_id)
        except UpstreamError as exc:
            log.warning("catalog unavailable for replay: %s", exc)
            return problem(503, "Katalog aplikasi sedang tidak tersedia; coba lagi sebentar lagi.", session)
        app = reply.body
        if reply.status != 200 or not app.get("bridge"):
            return problem(404, "Aplikasi ini tidak dikenal atau tidak mempunyai bridge.", session)
        if app["bridge"] not in console.outboxes:
            return problem(409, f"Bridge {app['bridge']} tidak terdaftar di konsol (OUTBOX_URLS).", session)
        return app

    def form(session: Session, app: dict, status: int = 200, **context) -> Response:
        return page("ops_replay.html", status, who=session, app=app, zone=CITY_ZONE, **context)

    @router.get("/ops/bridges/{app_id}/replay")
    async def replay_form(request: Request, app_id: str) -> Response:
        session = desk.admitted(request)
        if isinstance(session, Response):
            return session
        app = await bridged(session, app_id)
        return app if isinstance(app, Response) else form(session, app, typed={})

    @router.post("/ops/bridges/{app_id}/replay")
    async def replay(request: Request, app_id: str) -> Response:
        session = desk.admitted(request)
        if isinstance(session, Response):
            return session
        fields = await desk.form_of(request, session)
        if isinstance(fields, Response):
            return fields
        app = await bridged(session, app_id)
        if isinstance(app, Response):
            return app
        typed = {k: fields.get(k, "")[:500] for k in ("since", "why")}
        try:
            since, why = since_of(typed["since"], datetime.now(UTC)), why_of(typed["why"])
        except ReplayFormError as exc:
            return form(session, app, 422, typed=typed, error=str(exc))
        if fields.get("konfirmasi") != since.isoformat():  # the point in time, shown back before anything happens
            return form(session, app, typed=typed, confirm=since, since_utc=since.astimezone(UTC), why=why)
        try:
            reply = await console.replay(session.token, app["bridge"], app_id, since, why)
        except UpstreamError as exc:
            log.warning("replay unavailable: %s", exc)
            return problem(503, f"Replay belum dapat dijalankan; {app['bridge']} sedang tidak tersedia.", session)
        if reply.status != 200:
            detail = reply.body.get("detail")
            return form(session, app, reply.status if reply.status in (403, 404, 409) else 422, typed=typed,
                        error=f"Ditolak oleh bridge: {detail if isinstance(detail, str) else 'isian tidak valid'}")
        return form(session, app, done=reply.body, since_utc=since.astimezone(UTC))
