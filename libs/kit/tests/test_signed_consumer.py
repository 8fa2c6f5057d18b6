"""The consumer verifies every event's signature before its effect: what fails is dead-lettered with the reason."""

from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import MetaData, select

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintStatusChanged
from palapa.contracts.topics import ALL_TOPICS, COMPLAINT_INTAKE
from palapa.kit.consumer import Delivery
from palapa.kit.runtime import Runtime
from palapa.kit.settings import ServiceSettings
from palapa.kit.signing import SIGNATURE_HEADER, Signer, generate
from palapa.testkit import eventually
from palapa.testkit.signing import trust_file

CURHAT, PSC = generate("curhat-ning-ita-1"), generate("psc-119-1")


def _event(n: int, source: str = "/apps/curhat-ning-ita") -> Envelope:
    data = ComplaintStatusChanged(ticket=f"T-{n}", source_app="curhat-ning-ita", source_ref=str(n), status="verified",
                                  changed_at=datetime.now(UTC))
    return Envelope(data, source=source, subject=f"T-{n}")


def _record(env: Envelope, signer: Signer | None, **override: str):
    """(key, value, header pairs): signed as `env` is, then the overrides applied (a replay with altered headers)."""
    key, value, headers = env.to_kafka()
    if signer is not None:
        headers[SIGNATURE_HEADER] = signer.sign(key, value, headers)
    headers.update(override)
    return key, value, [(k, v.encode()) for k, v in headers.items()]


@pytest.fixture
async def consumer(kafka_bootstrap, database_url, tmp_path):
    trust = trust_file(tmp_path / "trust.json", [("curhat-ning-ita", CURHAT), ("psc-119", PSC)])
    runtime = Runtime(ServiceSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url,
                                      KAFKA_PROFILE="tansu", SIGNING_TRUST_FILE=trust), "verifier",
                      MetaData(schema="verifier"))
    seen: list[Delivery] = []

    async def effect(session, deliveries):
        seen.extend(deliveries)
        return [None] * len(deliveries)

    runtime.subscribe(COMPLAINT_INTAKE, effect)
    await runtime.start(ALL_TOPICS)
    runtime.seen, runtime.trust = seen, trust
    yield runtime
    await runtime.stop()


@pytest.fixture
async def kafka(kafka_bootstrap):
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    yield producer
    await producer.stop()


async def _send(kafka, record) -> None:
    key, value, headers = record
    await kafka.send_and_wait(COMPLAINT_INTAKE.name, value, key=key, headers=headers)


async def _reasons(runtime) -> list[str]:
    async with runtime.sessions() as s:
        return list((await s.execute(select(runtime.dead_letters.c.reason).order_by(runtime.dead_letters.c.id)))
                    .scalars())


async def test_only_events_signed_by_their_sources_app_take_effect(consumer, kafka):
    genuine = _event(1)
    attacks = [
        _record(_event(2), None),  # unsigned
        _record(_event(3), Signer(generate("curhat-ning-ita-1"))),  # forged: a key of its own under a real kid
        _record(_event(4), Signer(PSC)),  # re-signed under another source: PSC 119's valid key, Curhat's source
        _record(genuine, Signer(CURHAT), ce_source="/apps/psc-119"),  # replayed under another app's source
        _record(genuine, Signer(CURHAT), ce_id="replayed-1"),  # replayed with an altered id (the inbox's key)
        _record(_event(5), Signer(generate("nobody-1"))),  # a kid nobody registered
    ]
    for record in attacks:
        await _send(kafka, record)
    await _send(kafka, _record(genuine, Signer(CURHAT)))
    canary = _event(6, source="/apps/psc-119")
    await _send(kafka, _record(canary, Signer(PSC)))

    reasons = await eventually(lambda: _at_least(_reasons(consumer), 6), what="six dead letters")
    await eventually(lambda: len(consumer.seen) >= 2, what="the genuine events")
    assert {(d.envelope.id, d.producer) for d in consumer.seen} == {(genuine.id, "curhat-ning-ita"),
                                                                    (canary.id, "psc-119")}
    assert sorted(reasons) == sorted([
        "signature refused: unsigned event: no ce_signature header",
        "signature refused: signature does not verify with key 'curhat-ning-ita-1': the event was altered or is forged",
        "signature refused: key 'psc-119-1' is registered for psc-119, not for curhat-ning-ita "
        "(ce_source '/apps/curhat-ning-ita')",
        "signature refused: key 'curhat-ning-ita-1' is registered for curhat-ning-ita, not for psc-119 "
        "(ce_source '/apps/psc-119')",
        "signature refused: signature does not verify with key 'curhat-ning-ita-1': the event was altered or is forged",
        "signature refused: signed with key 'nobody-1', which is not registered",
    ])


async def test_a_rotated_key_is_valid_beside_the_new_one_and_refused_after_its_grace(consumer, kafka):
    new = generate("curhat-ning-ita-2")
    soon = datetime.now(UTC) + timedelta(seconds=2)
    trust_file(consumer.trust, [("curhat-ning-ita", CURHAT), ("curhat-ning-ita", new)],
               retiring={CURHAT.kid: soon.isoformat()})
    by_old, by_new = _event(1), _event(2)
    await _send(kafka, _record(by_old, Signer(CURHAT)))
    await _send(kafka, _record(by_new, Signer(new)))
    await eventually(lambda: len(consumer.seen) == 2, what="both keys' events")

    async def after_grace():
        return datetime.now(UTC) > soon

    await eventually(after_grace, what="the grace period to end")
    late = _event(3)
    await _send(kafka, _record(late, Signer(CURHAT)))
    await _send(kafka, _record(_event(4), Signer(new)))
    await eventually(lambda: len(consumer.seen) == 3, what="the new key's event")
    assert late.id not in {d.envelope.id for d in consumer.seen}
    # The effect sees a batch before its transaction, which holds the dead letter too, commits.
    reasons = await eventually(lambda: _at_least(_reasons(consumer), 1), what="the retired key's dead letter")
    assert reasons == ["signature refused: key 'curhat-ning-ita-1' of curhat-ning-ita is retired"]


async def _at_least(rows_coro, n: int):
    rows = await rows_coro
    return rows if len(rows) >= n else None
