"""HTTP routes: the SSE feed and latest view of a ticket, and the citizen page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Header, Query
from fastapi.responses import FileResponse, JSONResponse, Response
from sse_starlette import EventSourceResponse, ServerSentEvent

from palapa.kit.auth import MaybeStaff
from palapa.kit.capability import CaseKey
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

from . import store
from .access import refused
from .domain import HEARTBEAT_COMMENT, BadResumeError, BadTicketError, parse_last_event_id, validate_ticket
from .hub import Hub
from .settings import NotifySettings
from .stream import sse_frames, updates_for

PAGE = Path(__file__).parent / "page"
# The page loads nothing from elsewhere; say so to the browser.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


def tickets_router(runtime: Runtime, hub: Hub, settings: NotifySettings) -> APIRouter:
    router = APIRouter(tags=["tickets"])

    async def history(ticket: str, after: int, before: int | None):
        return await store.history(runtime.sessions, ticket, after, before)

    @router.get("/tickets/{ticket}/events", response_model=None)
    async def ticket_events(
        ticket: str,
        key: CaseKey,
        who: MaybeStaff,
        last_event_id: str | None = Header(None, alias="Last-Event-ID"),
        last_event_id_query: str | None = Query(None, alias="last_event_id"),
    ) -> Response:
        """Server-Sent Events: the ticket's updates after Last-Event-ID (all if none), then live ones; for the
        holder of its capability (X-Case-Key header) or staff (access.py)."""
        try:
            ticket = validate_ticket(ticket)
            after = parse_last_event_id(last_event_id, last_event_id_query)
        except BadTicketError as exc:
            return refusal(422, "malformed_ticket", str(exc))
        except BadResumeError as exc:
            return refusal(422, "invalid_last_event_id", str(exc))
        if (denied := await refused(runtime, ticket, key, who)) is not None:
            return denied
        # sse-starlette rather than a bare StreamingResponse: it brings the keep-alive comments on their
        # own timer, the SSE/no-buffering headers, a per-send timeout for stuck sockets, disconnect
        # detection and ending streams when uvicorn shuts down.
        return EventSourceResponse(
            sse_frames(updates_for(ticket, after, hub, history), runtime.tracer),
            ping=settings.heartbeat_seconds,
            ping_message_factory=lambda: ServerSentEvent(comment=HEARTBEAT_COMMENT, sep="\n"),
            sep="\n",
            send_timeout=settings.send_timeout_seconds,
        )

    @router.get("/tickets/{ticket}")
    async def ticket_view(ticket: str, key: CaseKey, who: MaybeStaff) -> JSONResponse:
        """The latest ComplaintUpdated of a ticket, for the holder of its capability or staff (access.py)."""
        try:
            ticket = validate_ticket(ticket)
        except BadTicketError as exc:
            return refusal(422, "malformed_ticket", str(exc))
        if (denied := await refused(runtime, ticket, key, who)) is not None:
            return denied
        view = await store.latest(runtime.sessions, ticket)
        if view is None:
            return refusal(404, "unknown_ticket", f"Tiket {ticket} tidak ditemukan.")
        return JSONResponse(view, headers={"Cache-Control": "no-store"})

    return router


def page_router() -> APIRouter:
    router = APIRouter(tags=["page"], include_in_schema=False)

    @router.get("/")
    async def index() -> FileResponse:
        return FileResponse(PAGE / "index.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)

    @router.get("/app.js")
    async def app_js() -> FileResponse:
        return FileResponse(PAGE / "app.js", media_type="text/javascript; charset=utf-8", headers=PAGE_HEADERS)

    @router.get("/style.css")
    async def style_css() -> FileResponse:
        return FileResponse(PAGE / "style.css", media_type="text/css; charset=utf-8", headers=PAGE_HEADERS)

    return router
