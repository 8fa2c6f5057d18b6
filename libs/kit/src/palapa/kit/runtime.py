"""What every service process holds: tracing, database, broker, outbox relay and inbox.

Built from settings by the service's main.py; nothing connects until `start()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable

from aiokafka import AIOKafkaProducer
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SpanExporter
from sqlalchemy import MetaData

from palapa.contracts.topics import Topic

from . import db, health, migrate, signing, telemetry
from .audit import Auditor
from .batches import Batches, no_decode, raw_batch
from .consumer import AfterCommit, BatchEffect, Consumer
from .incarnation import BrokerIdentity, TopicWatch
from .kafka import client_security, consumer_options, make_broker, make_producer, send_traced, start_broker
from .loops import Outage, pause
from .metrics import Metrics
from .outbox import Outbox
from .outbox_batch import send_batched
from .phases import Phases
from .settings import ServiceSettings
from .tables import audit_log_table, dead_letters_table, kit_tables, outbox_table
from .topics import creation_options, ensure_topics
from .uow import UnitOfWork

log = logging.getLogger(__name__)
#: rows per relay batch (a LIMIT: a quiet outbox sends what it has at once); a backlog goes in few round trips
RELAY_BATCH_ROWS = 5000
#: how often the outbox gauges of /metrics are counted (one indexed query)
OUTBOX_COUNT_EVERY_S = 2.0

class Runtime:
    """One service's connections and background loops."""

    def __init__(
        self,
        settings: ServiceSettings,
        name: str,
        metadata: MetaData,
        *,
        exporter: SpanExporter | None = None,
    ) -> None:
        self.phases = Phases()  # where its start went (logged by service_app once started)
        self.settings = settings
        self.name = name
        self.metadata = metadata
        self.source = f"/services/{name}"
        self.metrics = Metrics(name)
        self.progress = health.ConsumerProgress(self.metrics)  # fed by the consumer, read by ready()
        self.provider: TracerProvider = telemetry.setup_tracing(name, settings.otel_exporter_otlp_endpoint, exporter)
        self.tracer = self.provider.get_tracer(f"palapa.{name}")
        self.engine = db.make_engine(settings.database_url)
        telemetry.instrument_engine(self.engine, self.provider)
        self.sessions = db.sessions(self.engine)
        kit_tables(metadata)
        self.outbox = Outbox(outbox_table(metadata))
        self.dead_letters = dead_letters_table(metadata)
        self.audit_log = audit_log_table(metadata)
        self.transaction = UnitOfWork(self.sessions, self.outbox, Auditor(self.audit_log, name, self.source))
        # every record the relay sends is signed with this process's key; consumers verify before the effect
        self.signer = signing.signer_from(settings, name)
        self.verifier = signing.verifier_from(settings)
        self.broker: KafkaBroker = make_broker(settings, client_id=name)
        self.producer: AIOKafkaProducer | None = None  # built in start(): aiokafka wants a running loop
        self._tasks: list[asyncio.Task] = []
        self._batches: list[tuple[Batches, object]] = []
        self.groups: dict[str, str] = {}  # topic → the consumer group reading it here
        self.consumers: dict[str, Consumer] = {}  # topic → its consumer here (a re-drive straight to it: redeliver.py)
        self.broker_connected = False
        self._relay: asyncio.Task | None = None
        self._stopping = asyncio.Event()
        self.schema_ready = asyncio.Event()  # set once migrated: consumers apply nothing before
        # /readyz's checks: each answers within health.PROBE_SECONDS, however the database or broker behaves
        self._database_check = health.Bounded(lambda: health.database_parts(self.engine, self.outbox.table))
        self._broker_check = health.Bounded(lambda: self.broker.ping(timeout=health.PROBE_SECONDS))
        self._outbox_count = health.Bounded(lambda: health.outbox_state(self.engine, self.outbox.table),
                                            within=30.0)
        # tells the relay when the broker lost what it had (a memory-only broker restarted empty)
        self.identity = BrokerIdentity(settings.kafka_bootstrap_servers, client_id=f"{name}-incarnation",
                                       security=client_security(settings))

    def subscribe(
        self,
        topic: Topic | tuple[Topic, ...],
        effect: BatchEffect,
        *,
        group_id: str | None = None,
        after_commit: AfterCommit | None = None,
        critical: bool = False,
    ) -> Consumer:
        """Consume `topic` in batches through the inbox; offsets are committed after the batch's transaction.

        `effect` applies fresh events in order (wrap a one-event effect with `kit.consumer.each`). It sees only
        the event types the registry lists for `topic`; any other record is dead-lettered. `after_commit(envelope,
        result)` runs once the batch has committed, with what the effect returned for that event.
        Each call is a consumer of its own; with a `group_id` of its own, no other topic's rebalance pauses it.
        Several topics (a tuple) share one consumer: one group join (~3 s on Tansu) instead of one per topic.
        `critical` (emergencies): it waits CONSUMER_CRITICAL_BATCH_WAIT_MS for records instead of
        CONSUMER_BATCH_WAIT_MS, and fetches with the profile's shorter wait (kafka.CRITICAL_CONSUMER_TUNING).
        """
        topics = topic if isinstance(topic, tuple) else (topic,)
        self.groups.update({t.name: group_id or self.name for t in topics})
        consumer = Consumer(
            name=self.name, source=self.source, metadata=self.metadata, sessions=self.sessions, outbox=self.outbox,
            effect=effect, accepts=tuple(e for t in topics for e in t.event_types), tracer=self.tracer,
            metrics=self.metrics, after_commit=after_commit, verifier=self.verifier,
        )
        for t in topics:
            if t.name in self.consumers:  # one consumer per topic per service: the one a dead letter names
                raise ValueError(f"{self.name} subscribes {t.name} twice")
            self.consumers[t.name] = consumer
        batches = Batches(consumer, tuple(t.name for t in topics), self.metrics, self.progress, self.schema_ready)
        subscriber = self.broker.subscriber(
            *(t.name for t in topics),
            batch=True,
            max_records=self.settings.consumer_batch_max,
            batch_timeout_ms=(self.settings.consumer_critical_batch_wait_ms if critical
                              else self.settings.consumer_batch_wait_ms),
            ack_policy=AckPolicy.MANUAL,  # offsets are committed by `Batches`, after the database commit
            parser=raw_batch,
            decoder=no_decode,
            **consumer_options(self.settings, group_id or self.name, critical=critical),
        )
        self._batches.append((batches, subscriber))
        handler = batches.handler(lambda: subscriber.consumer)
        handler.__name__ = "on_" + "_".join(t.name.replace(".", "_") for t in topics)
        subscriber(handler)
        return consumer

    async def publish_raw(self, topic: str, key: bytes | None, value: bytes, headers: dict[str, str]):
        """Send one record, signed, under the current trace; returns the delivery future (await it for the ack).
        A row that carries its producer's signature already (a re-driven dead letter) keeps it."""
        if self.signer is not None and signing.SIGNATURE_HEADER not in headers:
            headers = {**headers, signing.SIGNATURE_HEADER: self.signer.sign(key, value, headers)}
        return await send_traced(self.producer, topic, key, value, headers)

    async def publish_many(self, rows):
        """Send a batch of outbox rows, signed, as record batches (outbox_batch.send_batched)."""
        return await send_batched(rows, self.producer, self.signer)

    def spawn(self, coro: Awaitable[None], name: str) -> asyncio.Task:
        """Run a background loop that lives as long as the runtime; a crash is logged, not swallowed."""
        task = asyncio.create_task(coro, name=name)
        task.add_done_callback(_log_crash)
        self._tasks.append(task)
        return task

    async def start(self, topics: tuple[Topic, ...] = ()) -> None:
        if topics:
            with self.phases.step("topics"):
                await ensure_topics(self.settings.kafka_bootstrap_servers, topics, **creation_options(self.settings))
        # side by side: a group join waits on the broker (~session timeout / 2 on Tansu), migrations on PostgreSQL;
        # the consumers apply nothing before the schema is ready
        with self.phases.step("migrations and consumer groups"):
            await asyncio.gather(self._migrate(), start_broker(self.broker))
        self.producer = make_producer(self.settings, client_id=f"{self.name}-relay")
        with self.phases.step("producer"):
            await self.producer.start()
        self.broker_connected = True
        self._relay = self.spawn(
            self.outbox.relay(self.engine, self.publish_raw, self.tracer, metrics=self.metrics, identity=self.identity,
                              publish_many=self.publish_many, batch=RELAY_BATCH_ROWS),
            f"{self.name}-outbox-relay",
        )
        if self._batches:
            self.spawn(self._sample_consumers(), f"{self.name}-consumer-progress")
        self.spawn(self._count_outbox(), f"{self.name}-outbox-gauges")

    async def _migrate(self) -> None:
        await migrate.upgrade(self.engine, self.metadata)
        self.schema_ready.set()

    async def _count_outbox(self, every_s: float = OUTBOX_COUNT_EVERY_S) -> None:
        """Keep the outbox gauges of /metrics current, so that a scrape never waits on the database."""
        outage = Outage(f"{self.name} counting the outbox for /metrics", log)
        while True:
            try:
                health.count_outbox(self.metrics, await self._outbox_count())
                outage.recovered()
            except Exception as exc:  # the database away: the gauges keep their last values, their timestamp ages
                outage.failed(exc)
            if await pause(self._stopping, every_s):
                return

    async def _sample_consumers(self, every_s: float = 1.0) -> None:
        """Report consumer progress for /readyz and /metrics, and notice a broker restarted empty."""
        watch = TopicWatch(self.identity)
        outage = Outage(f"{self.name} sampling consumer progress", log)
        while True:
            try:
                for batches, subscriber in self._batches:
                    await batches.sample(subscriber.consumer, watch)
                outage.recovered()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the broker away: the next round tries again
                outage.failed(exc)
            await asyncio.sleep(every_s)

    async def ready(self) -> dict[str, str]:
        """Readiness of each part: 'ok' or what is wrong (parts in health.INFORMATIONAL only inform).
        Answers within health.PROBE_SECONDS: the database and the broker are asked at once, each bounded."""
        database, broker = await asyncio.gather(self._database_check(), self._broker_check(), return_exceptions=True)
        parts = health.database_failed(database) if isinstance(database, BaseException) else dict(database)
        if isinstance(broker, BaseException):
            parts["broker"] = f"error: {broker}"
        else:
            parts["broker"] = "ok" if self.broker_connected and broker else "unreachable"
        return {**parts, **health.consumer_parts(self.progress)}

    async def stop(self) -> None:
        self._stopping.set()
        if self._relay is not None:
            self.outbox.stop()
            with contextlib.suppress(asyncio.TimeoutError, Exception):
                await asyncio.wait_for(asyncio.shield(self._relay), timeout=5)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        await self.identity.close()
        if self.producer is not None:
            await self.producer.stop()
        await self.broker.stop()
        await self.engine.dispose()
        self.provider.shutdown()


def _log_crash(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("background task %s crashed", task.get_name(), exc_info=task.exception())
