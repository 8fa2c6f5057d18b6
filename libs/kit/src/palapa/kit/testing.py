"""pytest plugin (loaded by the root config): the real broker and PostgreSQL, started once per session.

Set KAFKA_BOOTSTRAP_SERVERS or DATABASE_URL to use servers of your own instead.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from .local import LocalPostgres, LocalTansu, ensure_database


@pytest.fixture
def kafka_bootstrap():
    """Bootstrap address of a Tansu broker of this test's own (it starts in ~25 ms, memory only)."""
    if os.environ.get("PALAPA_TEST_KAFKA"):
        yield os.environ["PALAPA_TEST_KAFKA"]
        return
    with LocalTansu() as tansu:
        yield tansu.bootstrap


@pytest.fixture(scope="session")
def pg_server_url():
    """URL of the maintenance database of a PostgreSQL started for this test session."""
    if os.environ.get("PALAPA_TEST_DATABASE_URL"):
        yield os.environ["PALAPA_TEST_DATABASE_URL"]
        return
    folder = Path(tempfile.mkdtemp(prefix="palapa-pg-"))
    os.chmod(folder, 0o755)
    try:
        with LocalPostgres(folder / "data", durable=False) as pg:
            yield pg.url()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class BrokerProxy:
    """A TCP proxy in front of a broker that a test can cut and restore: an outage in which the broker
    keeps its topics (as Apache Kafka does), unlike restarting memory-only Tansu."""

    def __init__(self, target_port: int, port: int) -> None:
        self.target_port, self.port = target_port, port
        self._server: asyncio.AbstractServer | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def cut(self) -> None:
        """Refuse new connections and drop the open ones."""
        if self._server:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self._writers.update((writer, up_writer))

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()
                self._writers.discard(dst)

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


@pytest.fixture
async def broker_outage():
    """(bootstrap, proxy): a Tansu broker reached only through a proxy the test can cut and restore."""
    from .local import free_port

    proxy_port = free_port()
    with LocalTansu(advertised_port=proxy_port) as tansu:
        proxy = BrokerProxy(tansu.port, proxy_port)
        await proxy.start()
        try:
            yield tansu.bootstrap, proxy
        finally:
            await proxy.cut()


class EventProducer:
    """Publishes real CloudEvents records on each event's registry topic, as an outbox relay would."""

    def __init__(self, bootstrap: str) -> None:
        from aiokafka import AIOKafkaProducer

        self.kafka = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, acks="all")

    async def send(self, envelope, extra_headers: dict[str, str] | None = None) -> None:
        from palapa.contracts.topics import topic_for

        key, value, headers = envelope.to_kafka()
        await self.raw(topic_for(envelope.data).name, key, value, {**headers, **(extra_headers or {})})

    async def raw(self, topic: str, key: bytes | None, value: bytes, headers: dict[str, str]) -> None:
        """Any record at all, e.g. a malformed one."""
        await self.kafka.send_and_wait(topic, value, key=key, headers=[(k, v.encode()) for k, v in headers.items()])


@pytest.fixture
async def producer(kafka_bootstrap):
    """An EventProducer on this test's broker."""
    p = EventProducer(kafka_bootstrap)
    await p.kafka.start()
    yield p
    await p.kafka.stop()


@pytest.fixture
async def database_url(pg_server_url):
    """A fresh, empty database for one test."""
    return await ensure_database(pg_server_url, f"t_{uuid.uuid4().hex[:12]}")


async def eventually(check, *, timeout: float = 20.0, interval: float = 0.05, what: str = "condition"):
    """Poll `check` (sync or async) until it returns a truthy value; fail with `what` after timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if asyncio.iscoroutine(result):
                result = await result
            if result:
                return result
        except AssertionError as exc:
            last = exc
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}" + (f": {last}" if last else ""))
