"""complaint-svc in-process on the real broker and PostgreSQL; a CloudEvents producer; an updates reader."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from palapa.complaint.main import create_app
from palapa.complaint.settings import ComplaintSettings
from palapa.contracts.envelope import Envelope, from_kafka
from palapa.contracts.topics import COMPLAINT_UPDATES


@dataclass
class Updates:
    """Every ComplaintUpdated record on the updates topic, read from the beginning in the background."""

    seen: list[Envelope] = field(default_factory=list)

    def revisions(self, ticket: str) -> list[int]:
        return [e.data.revision for e in self.seen if e.data.ticket == ticket]

    async def follow(self, bootstrap: str) -> None:
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=10)
        await consumer.start()
        try:
            parts = [TopicPartition(COMPLAINT_UPDATES.name, p) for p in range(COMPLAINT_UPDATES.partitions)]
            consumer.assign(parts)
            await consumer.seek_to_beginning(*parts)
            while True:
                batch = await consumer.getmany(timeout_ms=100)
                for records in batch.values():
                    for r in records:
                        self.seen.append(from_kafka(r.key, r.value, r.headers))
        finally:
            await consumer.stop()


@dataclass
class Service:
    app: object
    http: httpx.AsyncClient
    updates: Updates

    @property
    def runtime(self):
        return self.app.state.runtime


@pytest.fixture
def settings(kafka_bootstrap, database_url) -> ComplaintSettings:
    return ComplaintSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu")


@pytest.fixture
async def service(settings, kafka_bootstrap):
    """The app with its lifespan (broker, database, outbox relay), reached through ASGI."""
    app = create_app(settings)
    updates = Updates()
    async with app.router.lifespan_context(app):
        follower = asyncio.create_task(updates.follow(kafka_bootstrap))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://complaint-svc") as http:
            try:
                yield Service(app, http, updates)
            finally:
                follower.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await follower


