"""catalog-svc in-process on the real broker and PostgreSQL, and a CloudEvents producer."""

from __future__ import annotations

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from palapa.catalog.main import create_app
from palapa.catalog.settings import CatalogSettings
from palapa.contracts.envelope import Envelope
from palapa.contracts.topics import topic_for


class Producer:
    """Publishes real CloudEvents records on each event's registry topic, as a bridge's relay would."""

    def __init__(self, bootstrap: str) -> None:
        self.kafka = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, acks="all")

    async def send(self, envelope: Envelope) -> None:
        key, value, headers = envelope.to_kafka()
        await self.raw(topic_for(envelope.data).name, key, value, headers)

    async def raw(self, topic: str, key: bytes | None, value: bytes, headers: dict[str, str]) -> None:
        await self.kafka.send_and_wait(topic, value, key=key, headers=[(k, v.encode()) for k, v in headers.items()])


@pytest.fixture
def settings(kafka_bootstrap, database_url) -> CatalogSettings:
    return CatalogSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu")


@pytest.fixture
def running():
    """running(settings): an async context with an httpx client on the app, lifespan included."""

    class Running:
        def __init__(self, settings):
            self.app = create_app(settings)

        async def __aenter__(self) -> httpx.AsyncClient:
            self._life = self.app.router.lifespan_context(self.app)
            await self._life.__aenter__()
            self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://catalog-svc")
            self.http.runtime = self.app.state.runtime
            return self.http

        async def __aexit__(self, *exc) -> None:
            await self.http.aclose()
            await self._life.__aexit__(*exc)

    return Running


@pytest.fixture
async def catalog(settings, running):
    async with running(settings) as http:
        yield http


@pytest.fixture
async def producer(kafka_bootstrap, catalog):
    p = Producer(kafka_bootstrap)
    await p.kafka.start()
    yield p
    await p.kafka.stop()
