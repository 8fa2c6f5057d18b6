"""Read a whole topic from the beginning (no consumer group), for counting what the platform put there."""

from __future__ import annotations

import asyncio
import time

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

from palapa.contracts.envelope import Envelope, EnvelopeError, from_kafka
from palapa.contracts.topics import Topic


async def read_topic(bootstrap: str, topic: Topic, idle_s: float = 1.5, timeout_s: float = 30) -> list[ConsumerRecord]:
    """Every record of `topic` now; reads until the end offsets are reached and nothing came for idle_s.

    (Tansu's end offsets can lag a batched produce, hence the idle wait as well.)
    """
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                fetch_max_wait_ms=100, max_partition_fetch_bytes=8 * 1024 * 1024)
    try:
        await consumer.start()
        partitions = [TopicPartition(topic.name, p) for p in range(topic.partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        out: list[ConsumerRecord] = []
        deadline, last_new = time.monotonic() + timeout_s, time.monotonic()
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for records in batch.values():
                out.extend(records)
            if batch:
                last_new = time.monotonic()
            reached = all([await consumer.position(tp) >= ends[tp] for tp in partitions])
            if reached and time.monotonic() - last_new >= idle_s:
                break
            await asyncio.sleep(0)
        return out
    finally:
        await consumer.stop()


def envelopes(records: list[ConsumerRecord]) -> tuple[list[Envelope], int]:
    """The records that are valid events, and how many were not."""
    good, bad = [], 0
    for rec in records:
        try:
            good.append(from_kafka(rec.key, rec.value, rec.headers))
        except EnvelopeError:
            bad += 1
    return good, bad
