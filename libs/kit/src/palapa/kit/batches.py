"""FastStream glue for batch consumption: records reach the kit raw, and offsets are committed by us.

FastStream's own batch parser decodes every header as UTF-8 and its decoder parses JSON before any handler
runs: a record with a bad header or a bad value would fail there, out of the inbox's reach. So the parser
here only wraps the raw records, the decoder does nothing, and the Consumer reads each record itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition
from faststream.kafka.annotations import KafkaMessage

from .consumer import Consumer
from .deadletter import Incoming
from .health import ConsumerProgress
from .incarnation import TopicWatch
from .loops import Backoff, Outage
from .metrics import Metrics

log = logging.getLogger(__name__)


async def raw_batch(records, original):
    """Parse a batch without decoding anything (the kit reads records itself)."""
    parser = original.__self__  # FastStream's AioKafkaBatchParser: its message class and consumer
    first, last = records[0], records[-1]
    return parser.msg_class(
        body=[], headers={}, batch_headers=[], reply_to="", content_type=None,
        message_id=f"{first.topic}-{first.partition}-{first.offset}-{last.offset}", correlation_id=None,
        raw_message=records, path={}, consumer=parser._consumer,
    )


def no_decode(message) -> None:
    """The body is never decoded by FastStream."""
    return None


class Batches:
    """Runs each batch through the Consumer until it commits (transient failures back off), then commits offsets."""

    def __init__(self, consumer: Consumer, topics: str | tuple[str, ...], metrics: Metrics,
                 progress: ConsumerProgress, schema_ready: asyncio.Event | None = None) -> None:
        # the group may be joined while the schema is migrated: no batch is applied before it is (Runtime.start)
        self.schema_ready = schema_ready
        # one consumer may read several topics (one group join instead of one per topic)
        self.topics = (topics,) if isinstance(topics, str) else tuple(topics)
        self.topic = ",".join(self.topics)  # the metrics' label and the logs' name
        self.consumer, self.metrics, self.progress = consumer, metrics, progress
        self.outage = Outage(f"{consumer.name} consuming {self.topic}", log)
        self.commit_outage = Outage(f"{consumer.name} committing offsets of {self.topic}", log)
        #: (topic, partition) -> the next offset to apply (everything before it is applied and committed)
        self.done: dict[tuple[str, int], int] = {}

    def handler(self, kafka: Callable[[], AIOKafkaConsumer | None]):
        async def on_batch(msg: KafkaMessage) -> None:
            if self.schema_ready is not None:
                await self.schema_ready.wait()
            records = [Incoming.of(r) for r in msg.raw_message]
            for r in records:  # a partition's first batch: it stands where the batch begins until it commits
                self.done.setdefault((r.topic, r.partition), r.offset)
            if records:
                await self.apply(records)
                await self.commit(kafka(), records)

        return on_batch

    async def apply(self, records: Sequence[Incoming]) -> None:
        backoff = Backoff(0.1, 2.0)
        while True:
            try:
                await self.consumer.handle(records)
                self.outage.recovered()
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # only transient failures get here: the whole batch comes again
                self.metrics.consumer_errors.labels(topic=self.topic).inc()
                self.outage.failed(exc)
                await asyncio.sleep(backoff.next())

    async def commit(self, kafka: AIOKafkaConsumer | None, records: Sequence[Incoming]) -> None:
        """Commit the offset after each partition's last record; a failed commit means the records come again."""
        if kafka is None:
            return
        offsets: dict[TopicPartition, int] = {}
        for r in records:
            tp = TopicPartition(r.topic, r.partition)
            offsets[tp] = max(offsets.get(tp, 0), r.offset + 1)
        try:
            await kafka.commit(offsets)
            self.commit_outage.recovered()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # rebalance or broker away: the new owner re-reads them; the inbox dedupes
            self.commit_outage.failed(exc)
        for tp, position in offsets.items():
            self.done[(tp.topic, tp.partition)] = position
            end = kafka.highwater(tp)
            if end is not None:
                self.progress.observe(tp.topic, tp.partition, position, end)

    async def sample(self, kafka: AIOKafkaConsumer | None, watch: TopicWatch) -> None:
        """Between batches: report each assigned partition's progress (a consumer stuck on a batch keeps its
        last position while the end moves on), and start over a topic that a restarted broker created anew."""
        if kafka is None:
            return
        assigned = {tp for tp in kafka.assignment() if tp.topic in self.topics}
        for topic in await watch.renewed(list(self.topics)):
            renewed = [tp for tp in assigned if tp.topic == topic]
            if renewed:
                # records republished below our old position would be skipped; the inbox drops repeats
                log.warning("%s: %s is a new incarnation (broker restarted): reading it from the beginning",
                            self.consumer.name, topic)
                await kafka.seek_to_beginning(*renewed)
                for tp in renewed:
                    self.done.pop((tp.topic, tp.partition), None)
        for tp in assigned:
            end, position = kafka.highwater(tp), self.done.get((tp.topic, tp.partition))
            if end is not None and position is not None:
                self.progress.observe(tp.topic, tp.partition, position, end)
        for topic, partition in set(self.done) - {(tp.topic, tp.partition) for tp in assigned}:
            self.done.pop((topic, partition), None)
            self.progress.forget(topic, partition)
