"""The attacker's table for events, generated from the golden sample of every event type: a record unsigned,
forged, re-signed under another source, or replayed with its source or id altered, reaches the kit's consumer
(the one every service consumes through) and is dead-lettered with its reason, before any effect; the genuine
record of each type is applied, as the app whose key signed it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import MetaData, func, select

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import EVENT_TYPES
from palapa.contracts.topics import ALL_TOPICS, DEAD_LETTERS, topic_for
from palapa.kit.runtime import Runtime
from palapa.kit.settings import ServiceSettings
from palapa.kit.signing import SIGNATURE_HEADER, Signer, generate
from palapa.testkit import eventually
from palapa.testkit.signing import trust_file

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).resolve().parents[2] / "contracts" / "samples"
CURHAT, PSC = generate("curhat-ning-ita-1"), generate("psc-119-1")
SOURCE = "/apps/curhat-ning-ita"
KNOWN_TOPICS = {t.name for t in ALL_TOPICS}

#: attack → (how the record is made from a genuine one, the dead letter's reason)
ATTACKS = {
    "unsigned": (lambda env: _record(env, None),
                 "signature refused: unsigned event: no ce_signature header"),
    "forged": (lambda env: _record(env, Signer(generate(CURHAT.kid))),  # a key of its own under the real kid
               "signature refused: signature does not verify with key 'curhat-ning-ita-1': the event was altered or "
               "is forged"),
    "re-signed under another source": (lambda env: _record(env, Signer(PSC)),  # PSC 119's own valid key
                                       "signature refused: key 'psc-119-1' is registered for psc-119, not for "
                                       "curhat-ning-ita (ce_source '/apps/curhat-ning-ita')"),
    "replayed under another source": (lambda env: _record(env, Signer(CURHAT), ce_source="/apps/psc-119"),
                                      "signature refused: key 'curhat-ning-ita-1' is registered for curhat-ning-ita, "
                                      "not for psc-119 (ce_source '/apps/psc-119')"),
    "replayed with another id": (lambda env: _record(env, Signer(CURHAT), ce_id=env.id + "-again"),
                                 "signature refused: signature does not verify with key 'curhat-ning-ita-1': the "
                                 "event was altered or is forged"),
}


def genuine_events() -> list[Envelope]:
    """One envelope per event type that travels on a topic of the registry (but the dead letters' own), from its
    golden sample."""
    out = []
    for path in sorted(SAMPLES.glob("*.json")):
        model = EVENT_TYPES.get(path.stem)
        if model is None:
            continue
        data = model.model_validate(json.loads(path.read_text()))
        try:
            if topic_for(data).name in KNOWN_TOPICS and topic_for(data) is not DEAD_LETTERS:
                out.append(Envelope(data, source=SOURCE, subject=f"sample:{path.stem}"))
        except (KeyError, LookupError):
            continue  # an old version: not published any more
    return out


def _record(env: Envelope, signer: Signer | None, **override: str):
    key, value, headers = env.to_kafka()
    if signer is not None:
        headers[SIGNATURE_HEADER] = signer.sign(key, value, headers)
    headers.update(override)
    return key, value, [(k, v.encode()) for k, v in headers.items()]


async def test_every_event_type_refuses_each_attack_with_its_reason_and_applies_only_the_genuine(
        kafka_bootstrap, database_url, tmp_path):
    events = genuine_events()
    assert len(events) >= 20  # every domain's events (a sample missing is contracts/tests' failure)
    trust = trust_file(tmp_path / "trust.json", [("curhat-ning-ita", CURHAT), ("psc-119", PSC)])
    runtime = Runtime(ServiceSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url,
                                      KAFKA_PROFILE="tansu", SIGNING_TRUST_FILE=trust), "attacked",
                      MetaData(schema="attacked"))
    applied: list[tuple[str, str | None]] = []

    async def effect(session, deliveries):
        applied.extend((d.envelope.id, d.producer) for d in deliveries)
        return [None] * len(deliveries)

    # not the dead-letter topic: what this consumer refuses is announced there, signed by the test process's key
    topics = tuple(t for t in ALL_TOPICS if t.event_types and t is not DEAD_LETTERS)
    runtime.subscribe(topics, effect)
    await runtime.start(ALL_TOPICS)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        for env in events:
            for make, _ in ATTACKS.values():
                key, value, headers = make(env)
                await producer.send(topic_for(env.data).name, value, key=key, headers=headers)
            key, value, headers = _record(env, Signer(CURHAT))
            await producer.send(topic_for(env.data).name, value, key=key, headers=headers)
        await producer.flush()
        await eventually(lambda: len(applied) >= len(events), timeout=120, what="every genuine event")
        reasons = await eventually(lambda: _dead_letters(runtime, len(events) * len(ATTACKS)), timeout=120,
                                   what="every attack dead-lettered")
    finally:
        await producer.stop()
        await runtime.stop()
    assert sorted(applied) == sorted((env.id, "curhat-ning-ita") for env in events)
    assert reasons == {reason: len(events) * sum(1 for _, r in ATTACKS.values() if r == reason)
                       for _, reason in ATTACKS.values()}


async def _dead_letters(runtime, n: int):
    dl = runtime.dead_letters
    async with runtime.sessions() as s:
        rows = (await s.execute(select(dl.c.reason, func.count()).group_by(dl.c.reason))).all()
    counts = dict(rows)
    return counts if sum(counts.values()) >= n else None
