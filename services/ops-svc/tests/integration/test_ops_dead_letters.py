"""Dead letters on the real broker and PostgreSQL: a poison event lands in ops-svc's store; after the fix, SRE
re-drives it (twice: it goes once, with its producer's signature) and the consumer applies it once; another is
discarded with a reason, on the audit log; nobody but SRE reads or acts."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import MetaData, func, select

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintStatusChanged
from palapa.contracts.topics import ALL_TOPICS, COMPLAINT_INTAKE
from palapa.kit.audit import audit_records
from palapa.kit.consumer import RejectedEventError, each
from palapa.kit.runtime import Runtime
from palapa.kit.settings import ServiceSettings
from palapa.ops.main import create_app
from palapa.ops.settings import OpsSettings
from palapa.testkit import eventually, running

pytestmark = pytest.mark.integration


def _event(ticket: str, note: str) -> Envelope:
    data = ComplaintStatusChanged(ticket=ticket, source_app="test", source_ref=ticket, status="verified",
                                  changed_at=datetime.now(UTC), note=note)
    return Envelope(data, source="/apps/test", subject=ticket)


@pytest.fixture
async def fixable(kafka_bootstrap, database_url):
    """A consumer that refuses notes saying 'rusak' until it is fixed; what it applied, in order."""
    runtime = Runtime(ServiceSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url,
                                      KAFKA_PROFILE="tansu"), "fixable-svc", MetaData(schema="fixable"))
    runtime.applied, runtime.fixed = [], False

    async def effect(session, envelope):
        if "rusak" in (envelope.data.note or "") and not runtime.fixed:
            raise RejectedEventError("note rusak: not understood (yet)")
        runtime.applied.append(envelope.id)

    runtime.subscribe(COMPLAINT_INTAKE, each(effect))
    await runtime.start(ALL_TOPICS)
    yield runtime
    await runtime.stop()


async def test_a_poison_event_is_kept_re_driven_once_after_the_fix_and_another_discarded(
    kafka_bootstrap, database_url, identity_provider, producer, topic_reader, fixable
):
    settings = OpsSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu",
                           OIDC_ISSUER=identity_provider.issuer)
    sre, desk, officer = [await identity_provider.token(k) for k in ("sre", "desk", "dishub")]
    as_sre = {"Authorization": f"Bearer {sre}"}
    poison = _event("T-DL-1", "rusak; hubungi 081234567890")
    other = _event("T-DL-2", "rusak juga")
    async with running(create_app(settings), name="ops-svc") as ops:
        await producer.send(poison)
        await producer.send(other)

        async def kept():
            found = (await ops.http.get("/dead-letters", params={"topic": COMPLAINT_INTAKE.name},
                                        headers=as_sre)).json()["items"]
            return found if len(found) == 2 else None

        listed = await eventually(kept, timeout=60, what="both dead letters in ops-svc")
        by_ticket = {}
        for item in listed:
            shown = (await ops.http.get(f"/dead-letters/{item['id']}", headers=as_sre)).json()
            assert "081234567890" not in shown["content"]  # masked
            assert shown["consumer"] == "fixable-svc" and shown["redrivable"]
            by_ticket[shown["headers"]["ce_subject"]] = item["id"]
        first, second = by_ticket["T-DL-1"], by_ticket["T-DL-2"]
        filtered = (await ops.http.get("/dead-letters", params={"reason": "RUSAK", "consumer": "fixable-svc"},
                                       headers=as_sre)).json()
        assert {i["id"] for i in filtered["items"]} == {first, second}
        assert (await ops.http.get("/dead-letters", params={"reason": "nothing like it"}, headers=as_sre)
                ).json()["items"] == []

        rate = (await ops.http.get("/dead-letters/rate", params={"hours": "3"}, headers=as_sre)).json()["hours"]
        assert len(rate) == 3 and sum(h["count"] for h in rate) == 2  # both within the last hours
        assert (await ops.http.get("/dead-letters/rate", params={"hours": "0"}, headers=as_sre)).status_code == 422

        # the count beside the topic's offsets: what this test sent is read, kept once each; earlier tests' letters
        # in this shared broker and database are counted too, so only the figures' relations are checked here
        offsets = (await ops.http.get("/dead-letters/offsets", headers=as_sre)).json()
        assert offsets["topic"] == "palapa.platform.deadletter.v1" and offsets["listed_end"] is not None
        assert offsets["position"] == offsets["high_watermark"] >= 2 and offsets["announcements"] >= 2
        assert isinstance(offsets["differences"], list) and isinstance(offsets["agrees"], bool)

        # strangers, the desk and an officer: refused, nothing changes
        assert (await ops.http.get("/dead-letters")).status_code == 401
        assert (await ops.http.get("/dead-letters/offsets", headers={"Authorization": f"Bearer {desk}"})
                ).status_code == 403
        assert (await ops.http.get("/dead-letters/rate", headers={"Authorization": f"Bearer {desk}"})
                ).status_code == 403
        for token in (desk, officer):
            who = {"Authorization": f"Bearer {token}"}
            assert (await ops.http.get(f"/dead-letters/{first}", headers=who)).status_code == 403
            refused = await ops.http.post(f"/dead-letters/{first}/redrive", headers=who)
            assert (refused.status_code, refused.json()["reason"]) == (403, "role_missing")
            assert (await ops.http.post(f"/dead-letters/{second}/discard", json={"why": "bukan urusan saya"},
                                        headers=who)).status_code == 403

        fixable.fixed = True
        once = await ops.http.post(f"/dead-letters/{first}/redrive", json={"why": "consumer diperbaiki"},
                                   headers=as_sre)
        twice = await ops.http.post(f"/dead-letters/{first}/redrive", headers=as_sre)
        assert (once.status_code, once.json()["sent_now"]) == (200, True)
        assert (twice.status_code, twice.json()["sent_now"]) == (200, False)
        assert (await ops.http.post(f"/dead-letters/{first}/discard", json={"why": "terlambat"}, headers=as_sre)
                ).json()["reason"] == "redriven"
        assert (await ops.http.post(f"/dead-letters/{second}/discard", json={"why": ""}, headers=as_sre)
                ).status_code == 422
        gone = await ops.http.post(f"/dead-letters/{second}/discard", json={"why": "data uji, tidak perlu"},
                                   headers=as_sre)
        assert gone.status_code == 200
        assert (await ops.http.post(f"/dead-letters/{second}/redrive", headers=as_sre)).json()["reason"] == "discarded"

        # the re-driven event is applied; a canary after it proves nothing else of it is on the way
        await eventually(lambda: poison.id in fixable.applied, timeout=60, what="the re-driven event applied")
        canary = _event("T-DL-3", "baik")
        await producer.send(canary)
        await eventually(lambda: canary.id in fixable.applied, timeout=60, what="the canary applied")
        assert fixable.applied.count(poison.id) == 1 and other.id not in fixable.applied

        await eventually(lambda: len([r for r in topic_reader.of(COMPLAINT_INTAKE) if r.envelope.id == poison.id])
                         == 2, what="the original and the re-driven copy read back")
        copies = [r for r in topic_reader.of(COMPLAINT_INTAKE) if r.envelope.id == poison.id]
        assert copies[0].headers["ce_signature"] == copies[1].headers["ce_signature"]  # the producer's, kept

        runtime = ops.runtime
        async with runtime.sessions() as s:
            sent = await s.scalar(select(func.count()).select_from(runtime.outbox.table)
                                  .where(runtime.outbox.table.c.topic == COMPLAINT_INTAKE.name))
            records = await audit_records(s, runtime.audit_log, object_type="dead_letter")
    assert sent == 1
    assert {(r["action"], r["object_id"], r["actor"], r["why"]) for r in records} == {
        ("ops.dead_letter.redrive", str(first), "sre", "consumer diperbaiki"),
        ("ops.dead_letter.discard", str(second), "sre", "data uji, tidak perlu"),
    }


async def test_the_lag_sampler_keeps_each_processs_consumers_over_time_and_prunes_the_old(
        kafka_bootstrap, database_url, identity_provider, producer):
    from datetime import timedelta

    from palapa.contracts.events import EventDeadLettered
    from palapa.localstack import free_port
    from palapa.ops.tables import lag_samples

    port = free_port()
    sre = await identity_provider.token("sre")

    async def token() -> str:
        return sre

    settings = OpsSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu",
                           OIDC_ISSUER=identity_provider.issuer, lag_sample_seconds=3600,
                           consumers_urls=f"ops-svc=http://127.0.0.1:{port} gone=http://127.0.0.1:{free_port()}")
    async with running(create_app(settings, lag_token=token), port=port, name="ops-svc") as ops:
        sampler, as_sre = ops.app.state.sampler, {"Authorization": f"Bearer {sre}"}
        async with ops.runtime.sessions() as s:  # a sample from two days ago: pruned by the next pass
            await s.execute(lag_samples.insert().values(at=datetime.now(UTC) - timedelta(days=2), service="old",
                                                        group="old", topic="t", partition=0, lag=1, stuck=False))
            await s.commit()

        # a consumer reports a partition once it has handled a batch of it in this run
        letter = EventDeadLettered(consumer="x-svc", topic="t", partition=0, offset=1, reason="uji lag", headers={},
                                   value="{}", value_size=2, at=datetime.now(UTC))
        await producer.send(Envelope(letter, source="/services/x-svc", subject="t"))

        async def sampled():
            return await sampler.sample_once() or None

        await eventually(sampled, what="ops-svc's own consumer sampled")  # the process that is gone is a gap
        answer = await ops.http.get("/consumers/lag", params={"hours": "72"}, headers=as_sre)
        assert answer.status_code == 200 and answer.json()["sampling"] is True
        [own] = answer.json()["series"]
        assert (own["group"], own["topic"]) == ("ops-svc", "palapa.platform.deadletter.v1") and own["points"]
        desk = {"Authorization": f"Bearer {await identity_provider.token('desk')}"}
        assert (await ops.http.get("/consumers/lag", headers=desk)).status_code == 403
        assert (await ops.http.get("/consumers/lag", params={"hours": "0"}, headers=as_sre)).status_code == 422
