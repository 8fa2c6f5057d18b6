"""The kit's delivery guarantees, on the real broker and PostgreSQL."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import Column, MetaData, String, Table, func, select

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintStatusChanged
from palapa.contracts.topics import ALL_TOPICS, COMPLAINT_INTAKE
from palapa.kit.runtime import Runtime
from palapa.kit.settings import ServiceSettings
from palapa.kit.testing import eventually

pytestmark = pytest.mark.integration


def _settings(kafka, db):
    return ServiceSettings(KAFKA_BOOTSTRAP_SERVERS=kafka, DATABASE_URL=db, KAFKA_PROFILE="tansu")


def _event(n: int) -> Envelope:
    return Envelope(
        ComplaintStatusChanged(
            ticket=f"T-{n}", source_app="test", source_ref=str(n), status="verified", changed_at=datetime.now(UTC)
        ),
        source="/apps/test",
        subject=f"T-{n}",
    )


async def _producer_and_consumer(kafka, database_url, effects):
    producer = Runtime(_settings(kafka, database_url), "producer", MetaData(schema="producer"))
    meta = MetaData(schema="consumer")
    seen = Table("seen", meta, Column("ticket", String, primary_key=True))
    consumer = Runtime(_settings(kafka, database_url), "consumer", meta)

    async def effect(session, envelope):
        effects.append(envelope.id)
        await session.execute(seen.insert().values(ticket=envelope.subject))

    consumer.subscribe(COMPLAINT_INTAKE, effect)
    await producer.start(ALL_TOPICS)
    await consumer.start(ALL_TOPICS)
    return producer, consumer, seen


async def test_an_event_staged_in_the_outbox_reaches_the_consumer_once_even_when_published_twice(
    kafka_bootstrap, database_url
):
    effects: list[str] = []
    producer, consumer, seen = await _producer_and_consumer(kafka_bootstrap, database_url, effects)
    try:
        env = _event(1)
        async with producer.sessions() as s, s.begin():
            await producer.outbox.add(s, env)
        producer.outbox.wake()
        await eventually(lambda: effects == [env.id], what="the event to be consumed")
        # an at-least-once redelivery: the same record published again
        key, value, headers = env.to_kafka()
        await producer.publish_raw(COMPLAINT_INTAKE.name, key, value, headers)
        async with producer.sessions() as s, s.begin():
            await producer.outbox.add(s, _event(2))
        producer.outbox.wake()
        await eventually(lambda: len(effects) == 2, what="the second event")
        async with consumer.sessions() as s:
            assert await s.scalar(select(func.count()).select_from(seen)) == 2
        assert effects[0] == env.id and effects.count(env.id) == 1
    finally:
        await consumer.stop()
        await producer.stop()


async def test_a_record_that_is_not_a_valid_event_is_dead_lettered_and_consumption_goes_on(
    kafka_bootstrap, database_url
):
    effects: list[str] = []
    producer, consumer, _ = await _producer_and_consumer(kafka_bootstrap, database_url, effects)
    try:
        await producer.publish_raw(COMPLAINT_INTAKE.name, b"T-9", b'{"ticket": 1}', {"ce_specversion": "1.0"})
        good = _event(3)
        await producer.publish_raw(COMPLAINT_INTAKE.name, *good.to_kafka())
        await eventually(lambda: effects == [good.id], what="the good event after the bad one")
        dl = consumer.inbox.dead_letters
        async with consumer.sessions() as s:
            rows = (await s.execute(select(dl.c.reason, dl.c.value))).all()
        assert len(rows) == 1
        assert rows[0].reason.startswith("missing CloudEvents headers")
        assert rows[0].value == '{"ticket": 1}'
    finally:
        await consumer.stop()
        await producer.stop()


async def test_outbox_rows_wait_out_a_broker_outage_and_are_published_when_it_is_back(database_url):
    from palapa.kit.local import LocalTansu

    tansu = LocalTansu()
    tansu.start()
    producer = Runtime(_settings(tansu.bootstrap, database_url), "producer", MetaData(schema="producer"))
    await producer.start(ALL_TOPICS)
    consumer = None
    try:
        tansu.stop()
        env = _event(4)
        async with producer.sessions() as s, s.begin():
            await producer.outbox.add(s, env)
        producer.outbox.wake()
        table = producer.outbox.table
        unpublished = select(func.count()).select_from(table).where(table.c.published_at.is_(None))
        async with producer.sessions() as s:
            assert await s.scalar(unpublished) == 1
        # the broker comes back (memory-only: empty) on the same port
        tansu = LocalTansu(port=tansu.port)
        tansu.start()
        effects: list[str] = []

        async def effect(session, envelope):
            effects.append(envelope.id)

        consumer = Runtime(_settings(tansu.bootstrap, database_url), "consumer", MetaData(schema="consumer"))
        consumer.subscribe(COMPLAINT_INTAKE, effect)
        await consumer.start(ALL_TOPICS)
        await eventually(lambda: env.id in effects, timeout=40, what="the outbox row to be published after the outage")
        async with producer.sessions() as s:
            assert await s.scalar(unpublished) == 0
    finally:
        if consumer:
            await consumer.stop()
        await producer.stop()
        tansu.stop()
