"""Fuzz every consumed topic: poison records, each followed by a valid event on the same partition."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import httpx
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from palapa.contracts.envelope import Envelope
from palapa.contracts.topics import BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, COMPLAINT_INTAKE, COMPLAINT_UPDATES, Topic

from .canary import Canary, wait_all
from .records import (
    CONSUMED,
    HEARTBEAT_CANARY_APP,
    QUARANTINE_CANARY_APP,
    SOURCE,
    Record,
    Records,
    later,
    subject_of,
    to_record,
    valid_event,
)
from .report import Tally


async def run(bootstrap: str, http: httpx.AsyncClient, urls: dict[str, str], count: int, seed: int,
              rng: random.Random, tally: Tally, deadline_s: float) -> None:
    """Send `count` poison records round the consumed topics, a canary after each; wait for the canaries."""
    records = Records(rng)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, acks="all",
                                max_request_size=4 * 1024 * 1024, request_timeout_ms=15_000)
    await producer.start()
    canaries: list[Canary] = []
    base_quarantined = await _catalog(http, urls, QUARANTINE_CANARY_APP, "quarantined") or 0
    sent_quarantine = 0
    start = datetime.now(UTC)
    try:
        for n in range(count):
            topic = CONSUMED[n % len(CONSUMED)]
            name = f"S{seed}K{n}"
            at = later(start, n)
            poison = records.poison(topic, name, at)
            partition = await _send(producer, poison, tally)
            tally.sent["kafka"] += 1
            event = valid_event(topic, f"S{seed}C{n}", at, canary=True)
            canary = to_record(topic, Envelope(event, source=SOURCE, subject=subject_of(event), time=at))
            # the canary goes where the poison went: a poison that stalls its partition stalls the canary
            if await _send(producer, canary, tally, partition) is None:
                continue
            if topic is BRIDGE_QUARANTINE:
                sent_quarantine += 1
            check = _effect(topic, http, urls, event, at, base_quarantined + sent_quarantine)
            canaries.append(Canary(f"{topic.name} p{partition or 0}", event_name(event), poison.describe(), check))
    finally:
        await producer.stop()
    await wait_all(canaries, tally, "kafka", deadline_s)


async def _send(producer: AIOKafkaProducer, record: Record, tally: Tally, partition: int | None = None) -> int | None:
    try:
        meta = await producer.send_and_wait(record.topic, record.value, key=record.key,
                                            headers=list(record.headers), partition=partition)
    except KafkaError as exc:  # the broker refused it (e.g. too large): nothing a consumer will ever see
        tally.fail("kafka", "broker refused the record", record.describe(), repr(exc))
        return None
    return meta.partition


def event_name(event) -> str:
    return getattr(event, "ticket", None) or f"{type(event).__name__} {getattr(event, 'source_id', '')}".strip()


def _effect(topic: Topic, http: httpx.AsyncClient, urls: dict[str, str], event, at: datetime, quarantined: int):
    """The check that the canary took effect, as each consuming service's API shows it."""

    async def intake() -> bool:
        return (await http.get(f"{urls['complaint-svc']}/complaints/{event.ticket}")).status_code == 200

    async def updates() -> bool:
        return (await http.get(f"{urls['notify-svc']}/tickets/{event.ticket}")).status_code == 200

    async def heartbeat() -> bool:
        seen = await _catalog(http, urls, HEARTBEAT_CANARY_APP, "last_heartbeat_at")
        return seen is not None and datetime.fromisoformat(seen) >= at

    async def quarantine() -> bool:
        return (await _catalog(http, urls, QUARANTINE_CANARY_APP, "quarantined") or 0) >= quarantined

    checks = {COMPLAINT_INTAKE.name: intake, COMPLAINT_UPDATES.name: updates, BRIDGE_HEARTBEATS.name: heartbeat,
              BRIDGE_QUARANTINE.name: quarantine}
    return checks[topic.name]


async def _catalog(http: httpx.AsyncClient, urls: dict[str, str], app_id: str, field: str):
    resp = await http.get(f"{urls['catalog-svc']}/apps/{app_id}")
    return resp.json().get(field) if resp.status_code == 200 else None
