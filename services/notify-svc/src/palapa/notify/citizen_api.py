"""GET /citizen/events: a signed-in citizen's one live stream (citizens.py), behind the gate.

The citizen is the gate's token (X-Citizen-Token, checked by the kit's guard: a forged, expired or wrong-audience
one is 401 `citizen_…` before this route runs); without one, 401 `citizen_required`. The stream is the token's
account's and no other: there is no parameter naming an account. It ends after `citizen_stream_max_seconds`, and
the browser's reconnection (with Last-Event-ID) passes the gate's session check again.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response
from sse_starlette import EventSourceResponse, ServerSentEvent

from palapa.kit.capability import MaybeCitizen
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

from . import citizens
from .domain import HEARTBEAT_COMMENT, BadResumeError, Update, feed_key, parse_last_event_id
from .hub import Hub
from .settings import NotifySettings
from .stream import sse_frames, updates_for

CITIZEN_MISSING = (401, "citizen_required", "Masuk di gerbang Palapa untuk mengikuti kasus Anda secara langsung")


async def until(updates: AsyncIterator[Update], seconds: float) -> AsyncIterator[Update]:
    """The updates until `seconds` have passed (then the stream ends and the client reconnects)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    try:
        while (left := deadline - loop.time()) > 0:
            try:
                yield await asyncio.wait_for(anext(updates), left)
            except (TimeoutError, StopAsyncIteration):
                return
    finally:
        await updates.aclose()


def citizen_router(runtime: Runtime, hub: Hub, settings: NotifySettings) -> APIRouter:
    router = APIRouter(tags=["citizen"])

    async def history(key: str, after: int, before: int | None):
        return await citizens.history(runtime.sessions, key, after, before)

    @router.get("/citizen/events", response_model=None,
                responses={401: {"description": "citizen_required, or the token's citizen_<reason>"},
                           422: {"description": "invalid_last_event_id"}})
    async def citizen_events(
        citizen: MaybeCitizen,
        last_event_id: str | None = Header(None, alias="Last-Event-ID"),
        last_event_id_query: str | None = Query(None, alias="last_event_id"),
    ) -> Response:
        """Server-Sent Events: every view of every case the signed-in citizen follows (complaints, letters), `id`
        the account's own sequence; after Last-Event-ID exactly what followed it, else the newest few, then live."""
        if citizen is None:
            return refusal(*CITIZEN_MISSING)
        try:
            after = parse_last_event_id(last_event_id, last_event_id_query)
        except BadResumeError as exc:
            return refusal(422, "invalid_last_event_id", str(exc))
        head = await citizens.head(runtime.sessions, citizen.subject)
        if after == 0 and not (last_event_id or last_event_id_query):
            after = max(0, head - settings.citizen_replay)
        # an id past the feed's head was never sent (made up, or the database restored from before it): resuming
        # after it would hold back every entry until the feed caught up, a stalled stream; go on from the head
        after = min(after, head)
        updates = updates_for(feed_key(citizen.subject), after, hub, history)
        return EventSourceResponse(
            sse_frames(until(updates, settings.citizen_stream_max_seconds), runtime.tracer),
            ping=settings.heartbeat_seconds,
            ping_message_factory=lambda: ServerSentEvent(comment=HEARTBEAT_COMMENT, sep="\n"),
            sep="\n",
            send_timeout=settings.send_timeout_seconds,
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    return router
