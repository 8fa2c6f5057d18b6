"""The dead letters for SRE: list with filters, one inspected (masked), re-driven or discarded (audited)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from fastapi import APIRouter, Path, Query, Request
from pydantic import AwareDatetime, BaseModel, Field

from palapa.contracts.topics import ALL_TOPICS
from palapa.kit.audit import redact_text
from palapa.kit.auth import Staff
from palapa.kit.failures import check_record_size
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime
from palapa.kit.telemetry import current_traceparent

from . import domain, store
from .handback import HandbackError, hand_back
from .masking import masked_content, masked_headers

MAX_PAGE = 200
#: a re-drive goes only to a topic of the registry (never one a forged announcement names)
KNOWN_TOPICS = frozenset(t.name for t in ALL_TOPICS)
LETTER_ID = Path(ge=1, le=2**62)


class RedriveWhy(BaseModel):
    why: str | None = Field(None, max_length=500)
    to: domain.Target = domain.Target.TOPIC  # back on its topic, or straight to the consumer that refused it


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


def letters_router(runtime: Runtime, consumers: dict[str, str] | None = None,
                   http: httpx.AsyncClient | None = None) -> APIRouter:
    """`consumers`: each service's base URL by its name (the dead letters' `consumer`), for re-driving straight to
    it over `http`."""
    router = APIRouter(tags=["dead letters"])
    consumers = consumers if http is not None else {}

    def verdict_of(row, to: domain.Target) -> domain.Verdict:
        return domain.redrive(domain.State(row.state), row.whole, row.topic in KNOWN_TOPICS,
                              to is domain.Target.TOPIC or row.consumer in consumers)

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
        verdict = verdict_of(row, domain.Target.TOPIC)
        return {
            **_listed(row), "key": None if row.key is None else redact_text(row.key.decode("utf-8", "replace")),
            "headers": masked_headers(row.headers), "content": masked_content(row.value.decode("utf-8", "replace")),
            "redrivable": verdict.act, "not_redrivable": verdict.detail,
            "redrivable_to_consumer": verdict_of(row, domain.Target.CONSUMER).act,
        }

    @router.post("/dead-letters/{letter_id}/redrive")
    async def redrive(request: Request, who: Staff, body: RedriveWhy | None = None, letter_id: int = LETTER_ID):
        """Re-drive once: the original bytes and headers (the producer's signature kept) back to the original topic,
        or (`to: consumer`) handed straight to the service that refused it, which applies them through its inbox."""
        body = body or RedriveWhy()
        async with runtime.transaction() as tx:
            # locked while deciding, and while the consumer applies it: a double click waits, then changes nothing
            row = await store.one(tx.session, letter_id, for_update=True)
            if row is None:
                return refusal(404, "not_found", "Dead letter tidak ditemukan")
            verdict = verdict_of(row, body.to)
            if verdict.refusal:
                return refusal(409, verdict.refusal, verdict.detail)
            outcome = None
            if verdict.act and body.to is domain.Target.TOPIC:
                headers = domain.redrive_headers(row.headers)
                check_record_size(row.key, row.value, headers)
                # an outbox row of its own: published with this transaction, under a stable id (once only)
                tx.staged.append({
                    "event_id": f"redrive-{row.id}", "topic": row.topic, "key": row.key, "value": row.value,
                    "headers": headers, "trace": current_traceparent(), "created_at": datetime.now(UTC)})
            elif verdict.act:
                try:
                    answer = await hand_back(http, consumers[row.consumer], request.headers["authorization"], row,
                                             body.why)
                except HandbackError as exc:
                    return refusal(424, "consumer_failed", str(exc))  # 424: the gate shows it (a 5xx: ops-svc down)
                applied = domain.redelivered(answer["outcome"], answer["reason"])
                if applied.refusal:  # still refused: the letter waits for another fix (or a discard)
                    return refusal(409, applied.refusal, applied.detail)
                outcome = answer["outcome"]
            if verdict.act:
                state = domain.REDRIVEN_TO[body.to].value
                await store.decide(tx.session, row.id, state, who.subject, body.why)
                tx.audit(who, "ops.dead_letter.redrive", ("dead_letter", str(row.id)), before=_summary(row),
                         after={**_summary(row), "state": state, "to": body.to.value, "outcome": outcome},
                         why=body.why)
            else:
                state = row.state
        return {"id": letter_id, "state": state, "sent_now": verdict.act, "to": body.to.value, "outcome": outcome}

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
