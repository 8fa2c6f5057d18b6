"""The relay on the real broker and PostgreSQL: poison rows are parked, a broker restarted empty gets the window
again."""

from datetime import UTC, datetime

import pytest
from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError, NotLeaderForPartitionError
from sqlalchemy import MetaData, func, select

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintStatusChanged, ComplaintSubmitted
from palapa.contracts.topics import ALL_TOPICS, COMPLAINT_INTAKE
from palapa.kit.consumer import each
from palapa.kit.failures import RECORD_MAX_BYTES, RecordTooLargeError, is_transient
from palapa.kit.runtime import Runtime
from palapa.kit.settings import ServiceSettings
from palapa.localstack import LocalTansu
from palapa.testkit import event_ids_on, eventually


def _runtime(kafka, db, name="relay"):
    settings = ServiceSettings(KAFKA_BOOTSTRAP_SERVERS=kafka, DATABASE_URL=db, KAFKA_PROFILE="tansu")
    return Runtime(settings, name, MetaData(schema=name))


def _event(ticket: str, n: int = 0) -> Envelope:
    changed = ComplaintStatusChanged(
        ticket=ticket, source_app="test", source_ref=str(n), status="verified", changed_at=datetime.now(UTC)
    )
    return Envelope(changed, source="/apps/test", subject=ticket)


def _large(ticket: str, size: int) -> Envelope:
    submitted = ComplaintSubmitted(
        ticket=ticket, source_app="test", source_ref="1", description="x" * size, submitted_at=datetime.now(UTC)
    )
    return Envelope(submitted, source="/apps/test", subject=ticket)


async def _ids_on(bootstrap: str, at_least: int, topic: str = COMPLAINT_INTAKE.name) -> list[str]:
    return await event_ids_on(bootstrap, topic, at_least, timeout_s=15)


def test_only_failures_that_retrying_can_mend_are_transient():
    assert is_transient(KafkaConnectionError()) and is_transient(NotLeaderForPartitionError())
    assert is_transient(TimeoutError()) and is_transient(ConnectionRefusedError())
    assert not is_transient(MessageSizeTooLargeError()) and not is_transient(RecordTooLargeError("big"))
    assert not is_transient(TypeError("a header that is not text"))


@pytest.mark.integration
async def test_the_outbox_refuses_an_event_no_broker_would_take_and_stages_many_in_one_go(
    kafka_bootstrap, database_url
):
    runtime = _runtime(kafka_bootstrap, database_url)
    await runtime.start(ALL_TOPICS)
    try:
        table = runtime.outbox.table
        async with runtime.sessions() as s, s.begin():
            with pytest.raises(RecordTooLargeError, match=f"limit of {RECORD_MAX_BYTES:,} bytes"):
                await runtime.outbox.add(s, _large("T-BIG", 2 * 1024 * 1024))
            with pytest.raises(RecordTooLargeError):  # all checked before any is staged
                await runtime.outbox.add_many(s, [_event("T-A"), _large("T-BIG", RECORD_MAX_BYTES)])
            assert await s.scalar(select(func.count()).select_from(table)) == 0
            assert await runtime.outbox.add_many(s, [_event(f"T-{n}", n) for n in range(5000)]) == 5000
        runtime.outbox.wake()
        assert len(await _ids_on(kafka_bootstrap, at_least=5000)) == 5000
    finally:
        await runtime.stop()


@pytest.mark.integration
async def test_a_row_the_broker_refuses_is_parked_and_only_the_later_rows_of_its_key_wait(
    kafka_bootstrap, database_url, caplog
):
    runtime = _runtime(kafka_bootstrap, database_url)
    table = runtime.outbox.table
    await runtime.start(ALL_TOPICS)
    try:
        poison = runtime.outbox.row(_large("T-POISON", 1000))
        poison["value"] = b"x" * (2 * 1024 * 1024)  # staged before the limit existed, or by hand
        behind, other = runtime.outbox.row(_event("T-POISON", 2)), runtime.outbox.row(_event("T-OTHER", 3))
        async with runtime.sessions() as s, s.begin():
            await s.execute(table.insert(), [poison, behind, other])
        runtime.outbox.wake()
        assert await _ids_on(kafka_bootstrap, at_least=1) == [other["event_id"]]
        async with runtime.sessions() as s:
            rows = {r.event_id: r for r in (await s.execute(select(table))).all()}
        assert rows[poison["event_id"]].parked_at is not None and rows[poison["event_id"]].published_at is None
        assert "larger than the limit" in rows[poison["event_id"]].park_reason
        assert rows[behind["event_id"]].published_at is None and rows[behind["event_id"]].parked_at is None
        assert rows[other["event_id"]].published_at is not None
        assert f"event {poison['event_id']}" in caplog.text and "parked" in caplog.text
        # the topic goes on, the poisoned key keeps waiting
        later = runtime.outbox.row(_event("T-LATER", 4))
        async with runtime.sessions() as s, s.begin():
            await s.execute(table.insert(), [later])
        runtime.outbox.wake()
        assert sorted(await _ids_on(kafka_bootstrap, at_least=2)) == sorted([other["event_id"], later["event_id"]])
        await eventually(lambda: runtime.metrics.outbox_parked._value.get() == 1, what="the parked gauge")
        assert runtime.metrics.outbox_published._value.get() == 2
    finally:
        await runtime.stop()


@pytest.mark.integration
async def test_a_broker_restarted_empty_gets_the_rows_published_within_the_window_exactly_once_more(database_url):
    tansu = LocalTansu()
    tansu.start()
    runtime = _runtime(tansu.bootstrap, database_url)
    await runtime.start(ALL_TOPICS)
    try:
        first = [_event(f"T-{n}", n) for n in range(3)]
        async with runtime.sessions() as s, s.begin():
            await runtime.outbox.add_many(s, first)
        runtime.outbox.wake()
        assert sorted(await _ids_on(tansu.bootstrap, at_least=3)) == sorted(e.id for e in first)
        tansu.proc.kill()  # memory only: everything on it is gone
        tansu.proc.wait()
        tansu.start()  # the same port, an empty broker
        await eventually(lambda: runtime.metrics.republished._value.get() == 3, what="the window to be re-sent")
        after = _event("T-AFTER", 9)
        async with runtime.sessions() as s, s.begin():
            await runtime.outbox.add(s, after)
        runtime.outbox.wake()
        # each once: the three of the window once more, and the new one
        assert sorted(await _ids_on(tansu.bootstrap, at_least=4)) == sorted([*(e.id for e in first), after.id])
        assert runtime.metrics.republished._value.get() == 3
    finally:
        await runtime.stop()
        tansu.stop()


@pytest.mark.integration
async def test_a_consumer_resumes_by_itself_on_a_broker_restarted_empty_and_applies_each_event_once(database_url):
    tansu = LocalTansu()
    tansu.start()
    producer, consumer = (
        _runtime(tansu.bootstrap, database_url, "sender"), _runtime(tansu.bootstrap, database_url, "reader")
    )
    applied: list[str] = []

    async def effect(session, envelope):
        applied.append(envelope.id)

    consumer.subscribe(COMPLAINT_INTAKE, each(effect))
    await producer.start(ALL_TOPICS)
    await consumer.start(ALL_TOPICS)
    try:
        before = _event("T-1", 1)
        async with producer.sessions() as s, s.begin():
            await producer.outbox.add(s, before)
        producer.outbox.wake()
        await eventually(lambda: applied == [before.id], what="the event before the restart")
        tansu.proc.kill()
        tansu.proc.wait()
        tansu.start()  # empty: no topics, no groups, no committed offsets
        after = _event("T-2", 2)
        async with producer.sessions() as s, s.begin():
            await producer.outbox.add(s, after)
        producer.outbox.wake()
        # the republished event reaches the consumer again (its group starts at the beginning) and changes nothing
        await eventually(lambda: applied == [before.id, after.id], timeout=20, what="the event after the restart")
        # (the new one too, when it went out before the relay looked at the broker: a duplicate, harmless)
        await eventually(lambda: producer.metrics.republished._value.get() >= 1, what="the republished event")
        assert set(await _ids_on(tansu.bootstrap, at_least=2)) == {before.id, after.id}
        assert applied == [before.id, after.id]
    finally:
        await consumer.stop()
        await producer.stop()
        tansu.stop()


@pytest.mark.integration
async def test_a_topic_watch_tells_a_consumer_which_topics_a_restarted_broker_created_anew():
    from palapa.kit.incarnation import BrokerIdentity, TopicWatch
    from palapa.kit.topics import ensure_topics

    with LocalTansu() as tansu:
        await ensure_topics(tansu.bootstrap, ALL_TOPICS)
        identity = BrokerIdentity(tansu.bootstrap)
        watch = TopicWatch(identity)
        try:
            names = [t.name for t in ALL_TOPICS]
            assert await watch.renewed(names) == [] and await watch.renewed(names) == []
            tansu.proc.kill()
            tansu.proc.wait()
            tansu.start()
            await ensure_topics(tansu.bootstrap, ALL_TOPICS[:1])
            assert await watch.renewed(names) == [ALL_TOPICS[0].name]
        finally:
            await identity.close()
