"""No single record stalls a stream: each poison is dead-lettered alone, at once, and what follows is applied."""

from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import Column, MetaData, String, Table, Text, func, select

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintStatusChanged
from palapa.contracts.topics import ALL_TOPICS, COMPLAINT_INTAKE, DEAD_LETTERS
from palapa.kit.consumer import each
from palapa.kit.deadletter import MAX_EVENT_VALUE_CHARS
from palapa.kit.runtime import Runtime
from palapa.kit.settings import ServiceSettings
from palapa.testkit import eventually
from palapa.testkit.signing import signed

pytestmark = pytest.mark.integration

KEY = b"T-POISON"  # every record on one key: one partition, in this order


def _event(n: int, note: str | None = None, event_id: str | None = None) -> Envelope:
    data = ComplaintStatusChanged(
        ticket=f"T-{n}", source_app="test", source_ref=str(n), status="verified", changed_at=datetime.now(UTC),
        note=note,
    )
    env = Envelope(data, source="/apps/test", subject=KEY.decode())
    return Envelope(data, source=env.source, subject=env.subject, id=event_id) if event_id else env


def _headers(env: Envelope, **override: bytes) -> list[tuple[str, bytes]]:
    _, _, headers = env.to_kafka()
    return [(k, v.encode()) for k, v in headers.items() if k not in override] + list(override.items())


@pytest.fixture
async def consumer(kafka_bootstrap, database_url):
    # a test-only table beside the migrated ones, created once the runtime has made the schema
    notes = Table("notes", MetaData(schema="consumer"), Column("event_id", String(64), primary_key=True),
                  Column("note", Text))
    runtime = Runtime(
        ServiceSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu"),
        "consumer", MetaData(schema="consumer"),
    )
    calls: list[str] = []

    async def effect(session, envelope):
        calls.append(envelope.id)
        await session.execute(notes.insert().values(event_id=envelope.id, note=envelope.data.note))

    runtime.subscribe(COMPLAINT_INTAKE, each(effect))
    await runtime.start(ALL_TOPICS)
    async with runtime.engine.begin() as conn:
        await conn.run_sync(notes.create)
    runtime.calls, runtime.notes = calls, notes
    yield runtime
    await runtime.stop()


@pytest.fixture
async def kafka(kafka_bootstrap):
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, max_request_size=4 * 1024 * 1024)
    await producer.start()
    yield producer
    await producer.stop()


async def _applied(runtime) -> set[str]:
    async with runtime.sessions() as s:
        return set(await s.scalars(select(runtime.notes.c.event_id)))


async def _dead_letters(runtime) -> list:
    dl = runtime.dead_letters
    async with runtime.sessions() as s:
        return (
            await s.execute(select(dl.c.reason, dl.c.value, dl.c.value_size, dl.c.truncated).order_by(dl.c.id))
        ).all()


async def test_each_kind_of_poison_is_dead_lettered_once_and_the_records_behind_it_are_applied(consumer, kafka):
    good = [_event(n) for n in range(4)]
    nul = _event(10, note="ada\x00nul")  # valid JSON ("\u0000"), refused by PostgreSQL text
    long_id = _event(11, event_id="x" * 65)
    sends = [
        (b"{not json", _headers(good[0])),  # content-type says JSON
        (good[0].to_kafka()[1], _headers(good[0])),
        (long_id.to_kafka()[1], _headers(long_id)),
        (nul.to_kafka()[1], _headers(nul)),
        (good[1].to_kafka()[1], _headers(good[1])),
        (good[2].to_kafka()[1], _headers(good[2], ce_source=b"\xff\xfe not utf-8")),
        (b"\xff" * 600_000, _headers(good[3])),  # a large bad value: its dead-letter event must stay small
        (_event(12).to_kafka()[1], _headers(_event(12))),
    ]
    for value, headers in sends:
        await kafka.send_and_wait(COMPLAINT_INTAKE.name, value, key=KEY, headers=signed(KEY, value, headers))
    last = sends[-1][1]
    canary_id = dict(last)["ce_id"].decode()

    await eventually(lambda: _has(consumer, canary_id), what="the canary behind every poison")
    rows = await eventually(lambda: _count(_dead_letters(consumer), 4), what="four dead letters")
    reasons = [r.reason for r in rows]
    assert reasons[0].startswith("value is not JSON")
    assert reasons[1].startswith("ce_id must be at most 64")
    assert reasons[2].startswith("CharacterNotInRepertoireError") and "0x00" in reasons[2]
    assert "ada" not in reasons[2]  # the SQL parameters (personal data, maybe) are not quoted
    assert any("not JSON" in r for r in reasons[3:])  # the 600 KB value
    applied = await _applied(consumer)
    assert {good[0].id, good[1].id, canary_id} <= applied and nul.id not in applied
    big = [r for r in rows if r.value_size == 600_000][0]
    assert big.value == b"\xff" * 600_000 and not big.truncated
    # no hot loop: the NUL record was tried a bounded number of times
    assert consumer.calls.count(nul.id) <= 4


async def test_dead_letter_events_reach_their_topic_bounded_in_size(consumer, kafka, topic_reader):
    await kafka.send_and_wait(COMPLAINT_INTAKE.name, b"\x00" * 700_000, key=KEY, headers=_headers(_event(1)))
    received = await eventually(lambda: topic_reader.of(DEAD_LETTERS), what="the dead-letter event")
    event = received[0].envelope.data
    assert event.value_size == 700_000 and event.truncated
    assert len(event.value) <= MAX_EVENT_VALUE_CHARS and "\x00" not in event.value


async def _has(runtime, event_id: str) -> bool:
    return event_id in await _applied(runtime)


async def _count(rows_coro, n: int):
    rows = await rows_coro
    return rows if len(rows) >= n else None


async def test_a_batch_with_a_poison_record_commits_the_good_ones(consumer, kafka):
    events = [_event(n) for n in range(20)]
    poison = _event(99, note="\x00")
    for env in events[:10] + [poison] + events[10:]:
        value = env.to_kafka()[1]
        await kafka.send(COMPLAINT_INTAKE.name, value, key=KEY, headers=signed(KEY, value, _headers(env)))
    await kafka.flush()

    async def all_good():
        return {e.id for e in events} <= await _applied(consumer)

    await eventually(all_good, what="the twenty good records")
    async with consumer.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(consumer.dead_letters)) == 1
