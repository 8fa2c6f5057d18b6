"""The outbox's bulk paths: rows staged by COPY, relayed as record batches on the partition `send` would pick."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.partitioner import DefaultPartitioner
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import MetaData, func, select

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintStatusChanged
from palapa.contracts.topics import ALL_TOPICS, COMPLAINT_INTAKE
from palapa.kit.outbox_relay import records_spans
from palapa.kit.runtime import Runtime
from palapa.kit.settings import ServiceSettings
from palapa.kit.telemetry import setup_tracing
from palapa.testkit import eventually

pytestmark = pytest.mark.integration


def _event(key: int, n: int) -> Envelope:
    changed = ComplaintStatusChanged(ticket=f"T-{key}", source_app="test", source_ref=str(n), status="verified",
                                     changed_at=datetime.now(UTC))
    return Envelope(changed, source="/apps/test", subject=f"T-{key}")


def test_the_relay_knows_whether_its_spans_are_recorded():
    assert not records_spans(setup_tracing("t", None).get_tracer("t"))
    assert records_spans(setup_tracing("t", None, InMemorySpanExporter()).get_tracer("t"))


async def test_a_backlog_staged_by_copy_is_relayed_in_batches_each_key_in_order_on_its_partition(
    kafka_bootstrap, database_url
):
    settings = ServiceSettings(
        KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu"
    )
    runtime = Runtime(settings, "bulk", MetaData(schema="bulk"))
    await runtime.start(ALL_TOPICS)
    try:
        async with runtime.sessions() as s, s.begin():  # 3,000 rows: written by COPY
            await runtime.outbox.add_many(s, (_event(n % 7, n) for n in range(3000)))
        table = runtime.outbox.table
        runtime.outbox.wake()

        async def all_published():
            async with runtime.sessions() as s:
                return await s.scalar(
                    select(func.count()).select_from(table).where(table.c.published_at.is_(None))
                ) == 0

        await eventually(all_published, timeout=30, what="the backlog to be published")
    finally:
        await runtime.stop()
    consumer = AIOKafkaConsumer(COMPLAINT_INTAKE.name, bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    seen: dict[str, list[tuple[int, int]]] = defaultdict(list)
    try:
        while sum(map(len, seen.values())) < 3000:
            for tp, records in (await consumer.getmany(timeout_ms=1000)).items():
                for r in records:
                    assert dict(r.headers)["ce_subject"] == r.key
                    seen[r.key.decode()].append((tp.partition, int(r.value.split(b'"source_ref":"')[1].split(b'"')[0])))
    finally:
        await consumer.stop()
    partitions = sorted(range(COMPLAINT_INTAKE.partitions))
    for key, got in seen.items():
        assert [n for _, n in got] == sorted(n for _, n in got)  # the key's order kept
        assert {p for p, _ in got} == {DefaultPartitioner()(key.encode(), partitions, partitions)}  # as send() picks
    assert sum(map(len, seen.values())) == 3000
