"""Broker helpers for tests: a cuttable proxy, a CloudEvents producer, and a reader of every topic."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from palapa.contracts.envelope import Envelope, EnvelopeError, from_kafka
from palapa.contracts.topics import ALL_TOPICS, topic_for
from palapa.kit.signing import SIGNATURE_HEADER, Signer
from palapa.kit.topics import ensure_topics

from .signing import session_keys


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


class EventProducer:
    """Publishes real CloudEvents records on each event's registry topic, signed, as an outbox relay would
    (with the test process's key, or `signer`)."""

    def __init__(self, bootstrap: str, signer: Signer | None = None) -> None:
        self.kafka = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, acks="all")
        self.signer = signer or session_keys().signer

    async def send(self, envelope, extra_headers: dict[str, str] | None = None, *, signed: bool = True) -> None:
        key, value, headers = envelope.to_kafka()
        await self.raw(topic_for(envelope.data).name, key, value, {**headers, **(extra_headers or {})}, signed=signed)

    async def raw(self, topic: str, key: bytes | None, value: bytes, headers: dict[str, str], *,
                  signed: bool = True) -> None:
        """Any record at all, e.g. a malformed one; signed over what it carries unless `signed=False` (or the
        headers bring a `ce_signature` of their own)."""
        if signed and SIGNATURE_HEADER not in headers:
            headers = {**headers, SIGNATURE_HEADER: self.signer.sign(key, value, headers)}
        await self.kafka.send_and_wait(topic, value, key=key, headers=[(k, v.encode()) for k, v in headers.items()])


@dataclass(frozen=True)
class Received:
    key: str
    headers: dict[str, str]
    envelope: Envelope
    value: bytes = b""  # the record's bytes as they travelled (what a stranger reading the topic sees)


class TopicReader:
    """Reads every topic of the registry from the beginning, in the background, as records arrive.

    A record that is not a valid event (a test may publish one on purpose) is kept aside with the reason;
    reading its topic then fails with that reason, so a bad record is never silently left out.
    """

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        self.records: dict[str, list[Received]] = {t.name: [] for t in ALL_TOPICS}
        self.unreadable: dict[str, list[str]] = {t.name: [] for t in ALL_TOPICS}  # topic -> why
        self._consumer = None
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        await ensure_topics(self.bootstrap)  # so subscribing does not auto-create them with one partition
        self._consumer = AIOKafkaConsumer(
            *self.records, bootstrap_servers=self.bootstrap, group_id=None, auto_offset_reset="earliest",
            enable_auto_commit=False, fetch_max_wait_ms=10,
        )
        await self._consumer.start()
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for msg in self._consumer:
            try:
                envelope = from_kafka(msg.key, msg.value, msg.headers)
            except EnvelopeError as exc:
                self.unreadable[msg.topic].append(str(exc))
                continue
            headers = {k: v.decode() for k, v in msg.headers}
            self.records[msg.topic].append(Received(msg.key.decode(), headers, envelope, msg.value or b""))

    def of(self, topic) -> list[Received]:
        """What arrived so far on `topic` (a registry Topic), in order per partition."""
        if why := self.unreadable[topic.name]:
            raise AssertionError(f"{topic.name} carried records that are not valid events: {why}")
        return list(self.records[topic.name])

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer:
            await self._consumer.stop()


async def event_ids_on(bootstrap: str, topic: str, at_least: int, *, timeout_s: float = 30) -> list[str]:
    """Every ce_id on `topic`, read from its start until at least `at_least` came and then a quiet second
    (counted by reading: Tansu's end_offsets is unreliable after a batched produce)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    ids: list[str] = []
    deadline = asyncio.get_running_loop().time() + timeout_s
    try:
        while asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=1000)
            if not batch and len(ids) >= at_least:
                return ids
            for records in batch.values():
                ids.extend(dict(r.headers)["ce_id"].decode() for r in records)
        raise AssertionError(f"only {len(ids)} of {at_least} records arrived on {topic} in {timeout_s:.0f}s")
    finally:
        await consumer.stop()
