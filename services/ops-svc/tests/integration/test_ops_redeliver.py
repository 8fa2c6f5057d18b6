"""Re-drive straight to the consumer, on the real broker and PostgreSQL: the dead letter is handed back to the
service that refused it, over its API with the SRE's token; only that consumer applies it (nothing goes back on the
topic), once however often it is asked; still refused, it waits; a forged record stays refused; nobody else may."""

import asyncio
import base64
from datetime import UTC, datetime

import pytest
from sqlalchemy import MetaData, func, select

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintStatusChanged
from palapa.contracts.topics import ALL_TOPICS, COMPLAINT_INTAKE
from palapa.kit.audit import audit_records
from palapa.kit.auth import ProtectionTable
from palapa.kit.consumer import RejectedEventError, each
from palapa.kit.http import service_app
from palapa.kit.runtime import Runtime
from palapa.kit.settings import ServiceSettings
from palapa.localstack import free_port
from palapa.ops import store
from palapa.ops.main import create_app
from palapa.ops.settings import OpsSettings
from palapa.testkit import eventually, running

pytestmark = pytest.mark.integration


def _event(ticket: str, note: str) -> Envelope:
    data = ComplaintStatusChanged(ticket=ticket, source_app="test", source_ref=ticket, status="verified",
                                  changed_at=datetime.now(UTC), note=note)
    return Envelope(data, source="/apps/test", subject=ticket)


@pytest.fixture
async def fixable(kafka_bootstrap, database_url, identity_provider):
    """A service with an API that refuses notes saying 'rusak' until it is fixed; what it applied, in order."""
    runtime = Runtime(ServiceSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url,
                                      KAFKA_PROFILE="tansu", OIDC_ISSUER=identity_provider.issuer),
                      "fixable-svc", MetaData(schema="fixable"))
    runtime.applied, runtime.fixed = [], False

    async def effect(session, envelope):
        if "rusak" in (envelope.data.note or "") and not runtime.fixed:
            raise RejectedEventError("note rusak: not understood (yet)")
        runtime.applied.append(envelope.id)

    runtime.subscribe(COMPLAINT_INTAKE, each(effect))
    app = service_app(runtime, title="fixable", topics=ALL_TOPICS, protection=ProtectionTable("fixable-svc", []))
    async with running(app, port=free_port(), name="fixable-svc") as service:
        yield service


async def test_a_dead_letter_re_driven_to_its_consumer_is_applied_there_once_and_not_put_back_on_the_topic(
    kafka_bootstrap, database_url, identity_provider, producer, topic_reader, fixable
):
    consumer = fixable.runtime
    settings = OpsSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu",
                           OIDC_ISSUER=identity_provider.issuer, consumers_urls=f"fixable-svc={fixable.base_url}")
    sre, desk, officer = [await identity_provider.token(k) for k in ("sre", "desk", "dishub")]
    as_sre = {"Authorization": f"Bearer {sre}"}
    poison = _event("T-RD-1", "rusak; hubungi 081234567890")
    async with running(create_app(settings), name="ops-svc") as ops:
        await producer.send(poison)

        async def kept():
            found = (await ops.http.get("/dead-letters", params={"consumer": "fixable-svc"},
                                        headers=as_sre)).json()["items"]
            return found or None

        [item] = await eventually(kept, timeout=60, what="the dead letter in ops-svc")
        letter = item["id"]
        shown = (await ops.http.get(f"/dead-letters/{letter}", headers=as_sre)).json()
        assert shown["redrivable"] and shown["redrivable_to_consumer"]
        to_consumer = {"why": "consumer diperbaiki", "to": "consumer"}

        # not fixed yet: the consumer refuses it again, the letter waits (and its repeat is not a new letter)
        again = await ops.http.post(f"/dead-letters/{letter}/redrive", json=to_consumer, headers=as_sre)
        assert (again.status_code, again.json()["reason"]) == (409, "refused_again")
        assert "rusak" in again.json()["detail"]
        assert (await ops.http.get(f"/dead-letters/{letter}", headers=as_sre)).json()["state"] == "waiting"

        # the desk, an officer: refused at ops-svc; at the consumer's own route, a stranger and an officer too
        for token in (desk, officer):
            refused = await ops.http.post(f"/dead-letters/{letter}/redrive", json=to_consumer,
                                          headers={"Authorization": f"Bearer {token}"})
            assert (refused.status_code, refused.json()["reason"]) == (403, "role_missing")
        async with ops.runtime.sessions() as s:
            kept_row = await store.one(s, letter)  # the record as the broker delivered it
        record = {"letter": str(letter), "topic": kept_row.topic, "partition": kept_row.partition,
                  "offset": kept_row.offset, "key": base64.b64encode(kept_row.key).decode(),
                  "value": base64.b64encode(kept_row.value).decode(), "headers": kept_row.headers}
        assert (await fixable.http.post("/ops/redeliver", json=record)).status_code == 401
        assert (await fixable.http.post("/ops/redeliver", json=record,
                                        headers={"Authorization": f"Bearer {officer}"})).status_code == 403
        assert poison.id not in consumer.applied

        # fixed: a double click (two requests at once) applies it once, straight to the consumer
        consumer.fixed = True
        first, second = await asyncio.gather(*(
            ops.http.post(f"/dead-letters/{letter}/redrive", json=to_consumer, headers=as_sre) for _ in range(2)))
        answers = sorted((r.status_code, r.json()["sent_now"]) for r in (first, second))
        assert answers == [(200, False), (200, True)]
        assert consumer.applied.count(poison.id) == 1
        assert (await ops.http.get(f"/dead-letters/{letter}", headers=as_sre)).json()["state"] == "redelivered"
        assert (await ops.http.post(f"/dead-letters/{letter}/discard", json={"why": "terlambat"}, headers=as_sre)
                ).json()["reason"] == "redriven"

        # asked again at the consumer itself: its inbox has the event id, so it is a duplicate
        direct = await fixable.http.post("/ops/redeliver", json=record, headers=as_sre)
        assert direct.json()["outcome"] == "duplicate" and consumer.applied.count(poison.id) == 1
        # a forged record (the content changed, the producer's signature kept) is refused by the signature check
        forged = {**record, "value": base64.b64encode(kept_row.value.replace(b"T-RD-1", b"T-RD-9")).decode()}
        refused = (await fixable.http.post("/ops/redeliver", json=forged, headers=as_sre)).json()
        assert refused["outcome"] == "dead_lettered" and "signature" in refused["reason"]
        unread = {**record, "topic": "palapa.tax.bills.v1"}
        assert (await fixable.http.post("/ops/redeliver", json=unread, headers=as_sre)).json()["reason"] \
            == "not_consumed"

        # nothing went back on the topic: a canary sent after it is read, and the poison only once
        canary = _event("T-RD-2", "baik")
        await producer.send(canary)
        await eventually(lambda: canary.id in consumer.applied, timeout=60, what="the canary applied")
        await eventually(lambda: any(r.envelope.id == canary.id for r in topic_reader.of(COMPLAINT_INTAKE)),
                         what="the canary read back")
        assert len([r for r in topic_reader.of(COMPLAINT_INTAKE) if r.envelope.id == poison.id]) == 1

        async with ops.runtime.sessions() as s:
            sent = await s.scalar(select(func.count()).select_from(ops.runtime.outbox.table)
                                  .where(ops.runtime.outbox.table.c.topic == COMPLAINT_INTAKE.name))
            ops_audit = await audit_records(s, ops.runtime.audit_log, object_type="dead_letter")
        async with consumer.sessions() as s:
            consumer_audit = await audit_records(s, consumer.audit_log, object_type="dead_letter")
    assert sent == 0
    [redrive] = ops_audit
    assert (redrive["action"], redrive["object_id"], redrive["actor"], redrive["why"]) == (
        "ops.dead_letter.redrive", str(letter), "sre", "consumer diperbaiki")
    assert redrive["after"]["to"] == "consumer" and redrive["after"]["outcome"] == "done"
    outcomes = sorted(r["after"]["outcome"] for r in consumer_audit if r["action"] == "ops.dead_letter.redeliver")
    assert outcomes == ["dead_lettered", "dead_lettered", "done", "duplicate"]

