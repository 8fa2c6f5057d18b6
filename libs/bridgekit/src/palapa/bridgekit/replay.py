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

Over HTTP a replay is an operator's (the SRE role: `Permission.OPS`, bridge_table's rule), and it is on the audit
log in the rewind's own transaction: who, which app, since when, how many rows.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy import delete

from palapa.kit.audit.api import AUDIT_RULE, audit_router
from palapa.kit.auth import Needs, Permission, Principal, ProtectionTable, Staff
from palapa.kit.auth.protection import Rule
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

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
    async with bridge.runtime.transaction() as tx:
        s = tx.session
        await bridge.checkpoint.load(s, for_update=True)  # the lock: a concurrent ingest waits, then sees the move
        forget = delete(t).where(*bridge.states.scope(), t.c.legacy_updated_at >= since_source_time)
        forgotten = (await s.execute(forget)).rowcount
        await bridge.checkpoint.save(s, position, now)
        if (who := ASKED_BY.get()) is not None:
            tx.audit(who, "bridge.replay", ("bridge", bridge.app_id), after={
                "since_source_time": since_source_time.isoformat(), "position": str(position),
                "forgotten_rows": forgotten}, why=ASKED_WHY.get())
    # a poll in flight read from the old position: its ingest compares that with the stored one and is redone
    bridge.position = position
    log.warning("%s rewound to %s: %d rows will be emitted again", bridge.app_id, position, forgotten)
    return Rewound(bridge.app_id, position, forgotten)


class ReplayRequest(BaseModel):
    since: AwareDatetime  # e.g. 2026-11-26T08:00:00+07:00
    why: str | None = Field(None, min_length=3, max_length=500)  # on the audit record (the console asks for it)


class ReplayAnswer(BaseModel):
    app_id: str
    since: datetime
    forgotten_rows: int
    position: str


#: app id → (since, aware) → Rewound
Replayer = Callable[[datetime], Awaitable[Rewound]]
#: who asked for the replay being served: `rewind` audits it in its own transaction. A context variable rather than
#: a parameter so that every bridge's replayer (a closure over its own position type) stays `since -> Rewound`.
ASKED_BY: ContextVar[Principal | None] = ContextVar("palapa_replay_asked_by", default=None)
ASKED_WHY: ContextVar[str | None] = ContextVar("palapa_replay_asked_why", default=None)
REPLAY_PATH = "/admin/bridges/{app_id}/replay"


def bridge_table(name: str, routers: Iterable[APIRouter] = ()) -> ProtectionTable:
    """A bridge's protection table: the replay is the SRE's, the audit log the readers'; a router may carry its own
    rules in `router.rules` (the webhook's: public, authenticated by its HMAC signature)."""
    own: list[Rule] = [rule for router in routers for rule in getattr(router, "rules", ())]
    return ProtectionTable(name, [Needs("POST", REPLAY_PATH, Permission.OPS), AUDIT_RULE, *own])


def admin_routers(runtime: Runtime, replayers: Mapping[str, Replayer]) -> list[APIRouter]:
    """The replay route (when the bridge can replay) and GET /audit."""
    return ([replay_router(replayers)] if replayers else []) + [audit_router(runtime)]


def replay_router(replayers: Mapping[str, Replayer]) -> APIRouter:
    """POST /admin/bridges/{app_id}/replay by an SRE's token (bridge_table); audited with the rewind."""
    router = APIRouter(tags=["admin"])

    @router.post(REPLAY_PATH, response_model=ReplayAnswer)
    async def replay(app_id: str, body: ReplayRequest, who: Staff) -> ReplayAnswer | JSONResponse:
        """Re-read the app's rows changed since `since` and emit their events again (new event ids)."""
        replayer = replayers.get(app_id)
        if replayer is None:
            return refusal(404, "unknown_app", "Aplikasi tidak dikenal oleh bridge ini")
        if body.since > datetime.now(UTC):
            return refusal(422, "since_in_future", "Waktu mulai replay tidak boleh di masa depan")
        asked, why = ASKED_BY.set(who), ASKED_WHY.set(body.why)
        try:
            done = await replayer(body.since)
        finally:
            ASKED_BY.reset(asked)
            ASKED_WHY.reset(why)
        log.warning("replay of %s since %s requested by %s", app_id, body.since.isoformat(), who.subject)
        return ReplayAnswer(app_id=app_id, since=body.since, forgotten_rows=done.forgotten, position=str(done.position))

    return router
