"""The dead letters for SRE: list with filters, one inspected (masked), re-driven or discarded (audited)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Path, Query
from pydantic import AwareDatetime, BaseModel, Field

from palapa.contracts.topics import ALL_TOPICS
from palapa.kit.audit import redact_text
from palapa.kit.auth import Staff
from palapa.kit.failures import check_record_size
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime
from palapa.kit.telemetry import current_traceparent

from . import domain, store
from .masking import masked_content, masked_headers

MAX_PAGE = 200
#: a re-drive goes only to a topic of the registry (never one a forged announcement names)
KNOWN_TOPICS = frozenset(t.name for t in ALL_TOPICS)
LETTER_ID = Path(ge=1, le=2**62)


class RedriveWhy(BaseModel):
    why: str | None = Field(None, max_length=500)


class DiscardWhy(BaseModel):
    why: str = Field(min_length=3, max_length=500)


def _listed(row) -> dict:
    item = dict(row._mapping)
    item["reason"] = redact_text(item["reason"])
    item["why"] = redact_text(item["why"]) if item["why"] else None
    return item


def _summary(row) -> dict:
    """The audit log's before/after: which record, never its content."""
    return {"consumer": row.consumer, "topic": row.topic, "partition": row.partition, "offset": row.offset,
            "state": row.state}


def letters_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["dead letters"])

    @router.get("/dead-letters")
    async def list_letters(
        topic: str | None = Query(None, max_length=200), consumer: str | None = Query(None, max_length=200),
        reason: str | None = Query(None, max_length=200), state: domain.State | None = None,
        since: AwareDatetime | None = None, until: AwareDatetime | None = None,
        before_id: int | None = Query(None, ge=1, le=2**62), limit: int = Query(50, ge=1, le=MAX_PAGE),
    ) -> dict:
        """Dead letters newest first (no content), filtered by topic, consumer, part of the reason, state, time."""
        async with runtime.sessions() as session:
            rows = await store.listing(session, topic=topic, consumer=consumer, reason=reason,
                                       state=state.value if state else None, since=since, until=until,
                                       before_id=before_id, limit=limit)
            counts, facets = await store.counts(session), await store.facets(session)
        return {"items": [_listed(r) for r in rows], "next_before_id": rows[-1].id if len(rows) == limit else None,
                "counts": counts, **facets}

    @router.get("/dead-letters/rate")
    async def rate(hours: int = Query(24, ge=1, le=168)) -> dict:
        """Dead letters per hour (UTC) over the last `hours`, oldest first; every hour listed, 0 when none."""
        now = datetime.now(UTC)
        starts = domain.hours_back(now, hours)
        async with runtime.sessions() as session:
            counts = await store.per_hour(session, starts[0])
        return {"until": now, "hours": [{"starts": at, "count": n} for at, n in domain.hourly(counts, now, hours)]}

    @router.get("/dead-letters/{letter_id}")
    async def inspect(letter_id: int = LETTER_ID) -> dict:
        """One dead letter with its content and headers masked (identity never in clear)."""
        async with runtime.sessions() as session:
            row = await store.one(session, letter_id)
        if row is None:
            return refusal(404, "not_found", "Dead letter tidak ditemukan")
        verdict = domain.redrive(domain.State(row.state), row.whole, row.topic in KNOWN_TOPICS)
        return {
            **_listed(row), "key": None if row.key is None else redact_text(row.key.decode("utf-8", "replace")),
            "headers": masked_headers(row.headers), "content": masked_content(row.value.decode("utf-8", "replace")),
            "redrivable": verdict.act, "not_redrivable": verdict.detail,
        }

    @router.post("/dead-letters/{letter_id}/redrive")
    async def redrive(who: Staff, body: RedriveWhy | None = None, letter_id: int = LETTER_ID):
        """Send the original bytes and headers (the producer's signature kept) back to the original topic, once."""
        async with runtime.transaction() as tx:
            row = await store.one(tx.session, letter_id, for_update=True)
            if row is None:
                return refusal(404, "not_found", "Dead letter tidak ditemukan")
            verdict = domain.redrive(domain.State(row.state), row.whole, row.topic in KNOWN_TOPICS)
            if verdict.refusal:
                return refusal(409, verdict.refusal, verdict.detail)
            if verdict.act:
                headers = domain.redrive_headers(row.headers)
                check_record_size(row.key, row.value, headers)
                # an outbox row of its own: published with this transaction, under a stable id (once only)
                tx.staged.append({
                    "event_id": f"redrive-{row.id}", "topic": row.topic, "key": row.key, "value": row.value,
                    "headers": headers, "trace": current_traceparent(), "created_at": datetime.now(UTC)})
                await store.decide(tx.session, row.id, domain.State.REDRIVEN.value, who.subject,
                                   body.why if body else None)
                tx.audit(who, "ops.dead_letter.redrive", ("dead_letter", str(row.id)), before=_summary(row),
                         after={**_summary(row), "state": domain.State.REDRIVEN.value}, why=body.why if body else None)
        return {"id": letter_id, "state": domain.State.REDRIVEN.value, "sent_now": verdict.act}

    @router.post("/dead-letters/{letter_id}/discard")
    async def discard(body: DiscardWhy, who: Staff, letter_id: int = LETTER_ID):
        """Set a dead letter aside for good, with the reason (audited)."""
        async with runtime.transaction() as tx:
            row = await store.one(tx.session, letter_id, for_update=True)
            if row is None:
                return refusal(404, "not_found", "Dead letter tidak ditemukan")
            verdict = domain.discard(domain.State(row.state))
            if verdict.refusal:
                return refusal(409, verdict.refusal, verdict.detail)
            if verdict.act:
                await store.decide(tx.session, row.id, domain.State.DISCARDED.value, who.subject, body.why)
                tx.audit(who, "ops.dead_letter.discard", ("dead_letter", str(row.id)), before=_summary(row),
                         after={**_summary(row), "state": domain.State.DISCARDED.value}, why=body.why)
        return {"id": letter_id, "state": domain.State.DISCARDED.value, "changed_now": verdict.act}

    return router
