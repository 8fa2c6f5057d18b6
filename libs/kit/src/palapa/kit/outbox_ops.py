"""The outbox's operations, on every service (added once by service_app, SRE only, every action audited); and
`GET /ops/consumers`, where each consumed partition stands (lag per group and partition).

`GET /ops/outbox`: the backlog and the parked rows with their reason. A parked row is one the broker refused for
good (too large, …): it holds back the later rows of its key. `POST /ops/outbox/{row_id}/release` puts it back
in the queue (`parked_at` NULL: the relay tries it again, after the cause is fixed); `…/discard` deletes it with a
reason (the rows behind it go on). Discarding deletes rather than marking it published: a published row would be
sent again after a broker restart (the relay's re-send window).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field
from sqlalchemy import delete, func, select, update

from .audit import redact_text
from .auth import Needs, Permission, Staff
from .http import refusal

if TYPE_CHECKING:
    from .runtime import Runtime

RULES = (
    Needs("GET", "/ops/consumers", Permission.OPS),
    Needs("GET", "/ops/outbox", Permission.OPS),
    Needs("POST", "/ops/outbox/{row_id}/release", Permission.OPS),
    Needs("POST", "/ops/outbox/{row_id}/discard", Permission.OPS),
)
#: parked rows listed at most (they are few: each is a record no broker of the platform takes)
MAX_LISTED = 200
ROW_ID = Path(ge=1, le=2**62)


class Why(BaseModel):
    why: str = Field(min_length=3, max_length=500)


class ReleaseWhy(BaseModel):
    why: str | None = Field(None, max_length=500)


def _parked_row(row) -> dict:
    return {
        "id": row.id, "event_id": row.event_id, "topic": row.topic,
        "key": None if row.key is None else redact_text(row.key.decode("utf-8", "replace"))[:200],
        "created_at": row.created_at, "parked_at": row.parked_at,
        "reason": redact_text(row.park_reason or "")[:2000],
    }


def outbox_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["ops"])
    t = runtime.outbox.table
    parked_now = (t.c.published_at.is_(None), t.c.parked_at.is_not(None))

    @router.get("/ops/outbox")
    async def outbox_state() -> dict:
        """This service's outbox: rows waiting (backlog), the oldest one's age, and the parked rows."""
        async with runtime.sessions() as session:
            backlog, oldest = (await session.execute(
                select(func.count(), func.min(t.c.created_at))
                .where(t.c.published_at.is_(None), t.c.parked_at.is_(None)))).one()
            rows = (await session.execute(
                select(t.c.id, t.c.event_id, t.c.topic, t.c.key, t.c.created_at, t.c.parked_at, t.c.park_reason)
                .where(*parked_now).order_by(t.c.id).limit(MAX_LISTED))).all()
        return {"service": runtime.name, "backlog": backlog, "oldest_waiting_at": oldest,
                "parked": [_parked_row(r) for r in rows]}

    @router.get("/ops/consumers")
    async def consumers() -> dict:
        """Each partition this process consumes: its consumer group, committed position, end offset and lag (from
        memory: what the consumer saw at its last batch or sample, at most a second old)."""
        rows = runtime.progress.partitions()
        return {"service": runtime.name,
                "partitions": [{**r, "group": runtime.groups.get(r["topic"], runtime.name)} for r in rows]}

    async def _take(session, row_id: int):
        return (await session.execute(
            select(t.c.id, t.c.event_id, t.c.topic, t.c.key, t.c.created_at, t.c.parked_at, t.c.park_reason,
                   t.c.published_at).where(t.c.id == row_id).with_for_update())).one_or_none()

    @router.post("/ops/outbox/{row_id}/release")
    async def release(who: Staff, body: ReleaseWhy | None = None, row_id: int = ROW_ID):
        """Send a parked row again (after its cause is fixed); a row not parked is 409."""
        async with runtime.transaction() as tx:
            row = await _take(tx.session, row_id)
            if row is None:
                return refusal(404, "not_found", "Baris outbox tidak ditemukan")
            if row.parked_at is None or row.published_at is not None:
                return refusal(409, "not_parked", "Baris outbox ini tidak sedang diparkir")
            await tx.session.execute(update(t).where(t.c.id == row_id).values(parked_at=None, park_reason=None))
            tx.audit(who, "ops.outbox.release", ("outbox", f"{runtime.name}:{row_id}"), before=_parked_row(row),
                     after={"parked_at": None}, why=body.why if body else None)
        runtime.outbox.wake()
        return {"id": row_id, "released": True}

    @router.post("/ops/outbox/{row_id}/discard")
    async def discard(body: Why, who: Staff, row_id: int = ROW_ID):
        """Delete a parked row for good, with the reason (audited); the rows behind it on its key go on."""
        async with runtime.transaction() as tx:
            row = await _take(tx.session, row_id)
            if row is None:
                return refusal(404, "not_found", "Baris outbox tidak ditemukan")
            if row.parked_at is None or row.published_at is not None:
                return refusal(409, "not_parked", "Hanya baris yang diparkir yang dapat dibuang")
            await tx.session.execute(delete(t).where(t.c.id == row_id))
            tx.audit(who, "ops.outbox.discard", ("outbox", f"{runtime.name}:{row_id}"), before=_parked_row(row),
                     after=None, why=body.why)
        runtime.outbox.wake()
        return {"id": row_id, "discarded": True}

    return router
