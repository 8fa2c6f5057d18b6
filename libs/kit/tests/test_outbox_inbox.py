"""The kit's delivery guarantees, on the real broker and PostgreSQL."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import Column, MetaData, String, Table, func, select

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import BridgeHeartbeat, ComplaintStatusChanged
from palapa.contracts.topics import ALL_TOPICS, COMPLAINT_INTAKE
from palapa.kit.consumer import each
from palapa.kit.runtime import Runtime
from palapa.kit.settings import ServiceSettings
from palapa.testkit import event_ids_on, eventually

pytestmark = pytest.mark.integration


def _settings(kafka, db):
    return ServiceSettings(KAFKA_BOOTSTRAP_SERVERS=kafka, DATABASE_URL=db, KAFKA_PROFILE="tansu")


async def await_delivery(sending):
    """publish_raw returns the delivery future; wait for the broker's acknowledgement."""
    await (await sending)


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
    # the test's own table, beside the consumer's kit tables (those come from the kit's migrations)
    seen = Table("seen", MetaData(schema="consumer"), Column("ticket", String, primary_key=True))
    consumer = Runtime(_settings(kafka, database_url), "consumer", MetaData(schema="consumer"))

    async def effect(session, envelope):
        effects.append(envelope.id)
        await session.execute(seen.insert().values(ticket=envelope.subject))

    consumer.subscribe(COMPLAINT_INTAKE, each(effect))
    await producer.start(ALL_TOPICS)
    await consumer.start(ALL_TOPICS)
    async with consumer.engine.begin() as conn:
        await conn.run_sync(seen.create)
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
        await await_delivery(producer.publish_raw(COMPLAINT_INTAKE.name, key, value, headers))
        async with producer.sessions() as s, s.begin():
            await producer.outbox.add(s, _event(2))
        producer.outbox.wake()
        await eventually(lambda: len(effects) == 2, what="the second event")

        async def both_committed():  # the effect runs before its batch's commit
            async with consumer.sessions() as s:
                return await s.scalar(select(func.count()).select_from(seen)) == 2

        await eventually(both_committed, what="both effects to commit")
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
        good = _event(3)
        bad_key = good.subject.encode()  # same key, same partition: the good one comes after the bad one
        await await_delivery(
            producer.publish_raw(COMPLAINT_INTAKE.name, bad_key, b'{"ticket": 1}', {"ce_specversion": "1.0"})
        )
        await await_delivery(producer.publish_raw(COMPLAINT_INTAKE.name, *good.to_kafka()))
        await eventually(lambda: effects == [good.id], what="the good event after the bad one")
        dl = consumer.dead_letters
        async with consumer.sessions() as s:
            rows = (await s.execute(select(dl.c.reason, dl.c.value))).all()
        assert len(rows) == 1
        assert rows[0].reason.startswith("missing CloudEvents headers")
        assert rows[0].value == b'{"ticket": 1}'
    finally:
        await consumer.stop()
        await producer.stop()


async def test_an_event_its_topic_does_not_carry_is_dead_lettered_unapplied_and_consumption_goes_on(
    kafka_bootstrap, database_url
):
    effects: list[str] = []
    producer, consumer, _ = await _producer_and_consumer(kafka_bootstrap, database_url, effects)
    try:
        good = _event(6)
        beat = BridgeHeartbeat(
            app_id="curhat-ning-ita", opd="DISKOMINFO", bridge="bridge-curhat", lag_seconds=0.0, at=datetime.now(UTC)
        )
        # a valid event, on the wrong topic, under the good one's key (same partition, so it comes first)
        misplaced = Envelope(beat, source="/apps/test", subject=good.subject)
        await await_delivery(producer.publish_raw(COMPLAINT_INTAKE.name, *misplaced.to_kafka()))
        await await_delivery(producer.publish_raw(COMPLAINT_INTAKE.name, *good.to_kafka()))
        await eventually(lambda: effects == [good.id], what="the good event after the misplaced one")
        dl = consumer.dead_letters

        async def dead_lettered():  # the effect runs before its batch (dead letter included) commits
            async with consumer.sessions() as s:
                return (await s.scalars(select(dl.c.reason))).all()

        reasons = await eventually(dead_lettered, what="the misplaced event's dead letter to commit")
        assert reasons == [f"{COMPLAINT_INTAKE.name} does not carry {BridgeHeartbeat.event_type} "
                           f"(only {', '.join(COMPLAINT_INTAKE.event_types)})"]
    finally:
        await consumer.stop()
        await producer.stop()


async def test_outbox_rows_wait_out_a_broker_outage_and_are_published_when_it_is_back(
    broker_outage, database_url, caplog
):
    bootstrap, proxy = broker_outage
    producer = Runtime(_settings(bootstrap, database_url), "producer", MetaData(schema="producer"))
    await producer.start(ALL_TOPICS)
    consumer = None
    try:
        await proxy.cut()
        env = _event(4)
        async with producer.sessions() as s, s.begin():
            await producer.outbox.add(s, env)
        producer.outbox.wake()
        table = producer.outbox.table
        unpublished = select(func.count()).select_from(table).where(table.c.published_at.is_(None))
        await eventually(
            lambda: "outbox relay of producer.outbox failing" in caplog.text,
            timeout=40,
            what="the relay to meet the outage",
        )
        async with producer.sessions() as s:
            assert await s.scalar(unpublished) == 1
        await proxy.start()  # the broker is reachable again
        effects: list[str] = []

        async def effect(session, envelope):
            effects.append(envelope.id)

        consumer = Runtime(_settings(bootstrap, database_url), "consumer", MetaData(schema="consumer"))
        consumer.subscribe(COMPLAINT_INTAKE, each(effect))
        await consumer.start(ALL_TOPICS)
        await eventually(lambda: env.id in effects, timeout=40, what="the outbox row to be published after the outage")
        async with producer.sessions() as s:
            assert await s.scalar(unpublished) == 0
    finally:
        if consumer:
            await consumer.stop()
        await producer.stop()


async def test_a_stopping_relay_marks_the_batch_it_has_sent_so_a_restart_does_not_send_it_again(
    kafka_bootstrap, database_url
):
    producer = Runtime(_settings(kafka_bootstrap, database_url), "producer", MetaData(schema="producer"))
    await producer.start(ALL_TOPICS)
    async with producer.sessions() as s, s.begin():
        for n in range(50):
            await producer.outbox.add(s, _event(n))
    producer.outbox.wake()
    sent = await _records(kafka_bootstrap, at_least=1)
    await producer.stop()
    table = producer.outbox.table
    again = Runtime(_settings(kafka_bootstrap, database_url), "producer", MetaData(schema="producer"))
    async with again.sessions() as s:
        published = set(await s.scalars(select(table.c.event_id).where(table.c.published_at.is_not(None))))
    await again.engine.dispose()
    # whatever went out is marked; the rest stays for the next start
    sent = await _records(kafka_bootstrap, at_least=len(published))
    assert sent == published and len(sent) > 0


async def test_two_replicas_share_one_outbox_and_each_row_is_sent_once(kafka_bootstrap, database_url):
    sent: list[str] = []

    def counting(runtime):
        publish = runtime.publish_raw

        async def publish_raw(topic, key, value, headers):
            sent.append(headers["ce_id"])
            return await publish(topic, key, value, headers)

        runtime.publish_raw = publish_raw  # the relay takes it at start
        runtime.publish_many = None  # record by record, so every send is counted here
        return runtime

    replicas = [
        counting(Runtime(_settings(kafka_bootstrap, database_url), "producer", MetaData(schema="producer")))
        for _ in range(2)
    ]
    for replica in replicas:
        await replica.start(ALL_TOPICS)
    try:
        for wave in range(4):
            async with replicas[wave % 2].sessions() as s, s.begin():
                for n in range(300):
                    await replicas[wave % 2].outbox.add(s, _event(wave * 1000 + n))
            for replica in replicas:
                replica.outbox.wake()  # both relays race for the same rows
        table = replicas[0].outbox.table
        unpublished = select(func.count()).select_from(table).where(table.c.published_at.is_(None))

        async def all_published():
            async with replicas[0].sessions() as s:
                return await s.scalar(unpublished) == 0

        await eventually(all_published, timeout=30, what="every row to be published")
        assert len(sent) == 1200 and len(set(sent)) == 1200
    finally:
        for replica in replicas:
            await replica.stop()


async def _records(bootstrap: str, at_least: int) -> set[str]:
    """Event ids on the intake topic, read from the start."""
    return set(await event_ids_on(bootstrap, COMPLAINT_INTAKE.name, at_least))


async def test_an_event_whose_handler_keeps_failing_is_redelivered_not_lost_and_applied_once(
    kafka_bootstrap, database_url
):
    # more failures than the in-process retries (5), so the offset must stay uncommitted and the record come again
    failures_left = 7
    applied: list[str] = []
    consumer = Runtime(_settings(kafka_bootstrap, database_url), "consumer", MetaData(schema="consumer"))

    async def flaky(session, envelope):
        nonlocal failures_left
        if failures_left:
            failures_left -= 1
            raise ConnectionError("database went away")
        applied.append(envelope.id)

    consumer.subscribe(COMPLAINT_INTAKE, each(flaky))
    await consumer.start(ALL_TOPICS)
    producer = Runtime(_settings(kafka_bootstrap, database_url), "producer", MetaData(schema="producer"))
    await producer.start(ALL_TOPICS)
    try:
        env = _event(5)
        await await_delivery(producer.publish_raw(COMPLAINT_INTAKE.name, *env.to_kafka()))
        await eventually(lambda: applied == [env.id], timeout=60, what="the event after the failures")
        assert failures_left == 0
    finally:
        await producer.stop()
        await consumer.stop()
