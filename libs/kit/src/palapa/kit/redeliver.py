"""A dead letter re-driven straight to the consumer that refused it (`POST /ops/redeliver`, SRE only, audited).

Re-driving to the topic hands the record to every consumer group reading it; this hands it to this service's own
consumer of its topic only, the one that refused it. ops-svc asks, with the SRE's token, the service its dead letter
names; the record goes through the same `Consumer.handle` as a batch from the broker: signature check, inbox (an event
id already applied is a duplicate: a double click applies it once), effect, outbox, and a dead letter again if the
consumer still refuses it (the same record at the same offset: ops-svc counts it as a repeat, not a new letter).
No topic, consumer group or broker ACL is involved: every process that consumes already answers ops-svc over HTTP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter
from pydantic import Base64Bytes, BaseModel, Field
from sqlalchemy import select

from .auth import Needs, Permission, Staff
from .deadletter import MAX_HEADERS, Incoming
from .http import refusal

if TYPE_CHECKING:
    from .runtime import Runtime

RULES = (Needs("POST", "/ops/redeliver", Permission.OPS),)
#: a re-drivable dead letter's value is whole in its announcement (at most 64 K characters, ~256 KB of UTF-8)
MAX_VALUE_BYTES = 512 * 1024


class Redelivery(BaseModel):
    """One refused record as the broker delivered it, named by its dead letter (ops-svc's id, for the audit)."""

    letter: str = Field(min_length=1, max_length=100)
    topic: str = Field(min_length=1, max_length=200)
    partition: int = Field(ge=0, le=2**31 - 1)
    offset: int = Field(ge=0, le=2**62)
    key: Base64Bytes | None = Field(None, max_length=4 * 1024)
    value: Base64Bytes = Field(max_length=MAX_VALUE_BYTES)
    headers: dict[str, str] = Field(default_factory=dict, max_length=MAX_HEADERS)
    why: str | None = Field(None, max_length=500)


def redeliver_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["ops"])

    @router.post("/ops/redeliver")
    async def redeliver(body: Redelivery, who: Staff):
        """Apply a dead letter's record again through this service's consumer of its topic (once: the inbox)."""
        consumer = runtime.consumers.get(body.topic)
        if consumer is None:
            return refusal(409, "not_consumed", f"{runtime.name} tidak membaca topic {body.topic[:200]}")
        record = Incoming(body.topic, body.partition, body.offset, body.key, body.value,
                          tuple((k, v.encode("utf-8")) for k, v in body.headers.items()))
        [outcome] = await consumer.handle([record])
        reason = None
        if outcome.value == "dead_lettered":  # refused again: the reason is on the dead letter just written
            async with runtime.sessions() as session:
                t = runtime.dead_letters
                reason = await session.scalar(
                    select(t.c.reason).where(t.c.topic == body.topic, t.c.partition == body.partition,
                                             t.c.offset == body.offset).order_by(t.c.id.desc()).limit(1))
        where = {"topic": body.topic, "partition": body.partition, "offset": body.offset}
        async with runtime.transaction() as tx:
            tx.audit(who, "ops.dead_letter.redeliver", ("dead_letter", body.letter), before=where,
                     after={**where, "outcome": outcome.value}, why=body.why)
        return {"service": runtime.name, "outcome": outcome.value, "reason": reason}

    return router
