"""Backfill/replay from a point in time: the operator rewinds a bridge to T and its rows since T are emitted again.

A rewind moves the stored position back AND forgets the row states of rows changed since T, in one transaction
under the checkpoint's row lock. Forgetting is what makes the rows count as unseen: without it their
unchanged fingerprints would be skipped. It is durable, so a replay interrupted by a restart goes on.

Replayed events get NEW event ids. A consumer's inbox drops an id it has applied, which would turn a
replay into nothing; a replay exists for consumers that lost or never had the events (a view rebuilt, a
new service). Consumers apply a replayed event by its business key, as they already must for a legacy
re-read: complaint-svc takes a ComplaintSubmitted for a known ticket as a resync, and a status already
reached changes nothing. What is replayed is each row's CURRENT state (the legacy table keeps no history):
one event per row, e.g. a ComplaintSubmitted with today's status, not its past steps.

Another instance of the same bridge sees the position moved in the checkpoint at its next ingest (CheckpointMovedError),
reloads the position and reads on from T.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel
from sqlalchemy import delete

from palapa.kit.http import refusal

from .checkpoint import Position
from .ingest import Bridge

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rewound:
    app_id: str
    position: Position
    forgotten: int  # row states dropped: that many rows will be read and emitted again


async def rewind(bridge: Bridge, position: Position, since_source_time: datetime) -> Rewound:
    """Move `bridge`'s position back to `position` and forget row states changed at or after `since_source_time`.

    `since_source_time` is in the source's own time, as row_state.legacy_updated_at holds it (naive local for
    SQL sources). The in-memory position follows at once.
    """
    t = bridge.states.tables.row_state
    now = datetime.now(UTC)
    async with bridge.runtime.sessions() as s, s.begin():
        await bridge.checkpoint.load(s, for_update=True)  # the lock: a concurrent ingest waits, then sees the move
        forget = delete(t).where(*bridge.states.scope(), t.c.legacy_updated_at >= since_source_time)
        forgotten = (await s.execute(forget)).rowcount
        await bridge.checkpoint.save(s, position, now)
    # a poll in flight read from the old position: its ingest compares that with the stored one and is redone
    bridge.position = position
    log.warning("%s rewound to %s: %d rows will be emitted again", bridge.app_id, position, forgotten)
    return Rewound(bridge.app_id, position, forgotten)


class ReplayRequest(BaseModel):
    since: AwareDatetime  # e.g. 2026-11-26T08:00:00+07:00


class ReplayAnswer(BaseModel):
    app_id: str
    since: datetime
    forgotten_rows: int
    position: str


#: app id → (since, aware) → Rewound
Replayer = Callable[[datetime], Awaitable[Rewound]]


def replay_router(replayers: Mapping[str, Replayer], token: Callable[[], str | None]) -> APIRouter:
    """POST /admin/bridges/{app_id}/replay with `Authorization: Bearer <token>`; no token configured = disabled."""
    router = APIRouter(tags=["admin"])

    @router.post("/admin/bridges/{app_id}/replay", response_model=ReplayAnswer)
    async def replay(app_id: str, body: ReplayRequest,
                     authorization: str | None = Header(None)) -> ReplayAnswer | JSONResponse:
        """Re-read the app's rows changed since `since` and emit their events again (new event ids)."""
        expected = token()
        if not expected:
            return refusal(403, "replay_disabled", "Replay tidak aktif: token admin belum diatur")
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not secrets.compare_digest(given.encode(), expected.encode()):
            answer = refusal(401, "bad_admin_token", "Token admin salah atau tidak ada")
            answer.headers["WWW-Authenticate"] = "Bearer"
            return answer
        replayer = replayers.get(app_id)
        if replayer is None:
            return refusal(404, "unknown_app", "Aplikasi tidak dikenal oleh bridge ini")
        if body.since > datetime.now(UTC):
            return refusal(422, "since_in_future", "Waktu mulai replay tidak boleh di masa depan")
        done = await replayer(body.since)
        log.warning("replay of %s since %s requested through the admin endpoint", app_id, body.since.isoformat())
        return ReplayAnswer(app_id=app_id, since=body.since, forgotten_rows=done.forgotten, position=str(done.position))

    return router
