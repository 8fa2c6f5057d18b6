"""Fuzz every consumed topic: poison records, each followed by a valid event on the same partition; and
adversarial sequences of valid moves for one ticket, each ending in a canary move the ticket must show."""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from palapa.contracts.envelope import Envelope
from palapa.contracts.topics import (
    BRIDGE_HEARTBEATS,
    BRIDGE_QUARANTINE,
    CITIZEN_BILLS,
    CITIZEN_CASES,
    COMPLAINT_INTAKE,
    COMPLAINT_SLA,
    COMPLAINT_UPDATES,
    CURHAT_COMMANDS,
    EMERGENCY_INCIDENTS,
    SERVICE_REQUESTS,
    TAX_BILLS,
    TAX_REMINDERS,
    TICKET_UPDATES,
    Topic,
)
from palapa.curhat_legacy.schema import tb_pengaduan
from palapa.kit.signing import SIGNATURE_HEADER, Signer
from palapa.kit.signing.canonical import header_map

from .canary import Canary, wait_all
from .events import (
    HEARTBEAT_CANARY_APP,
    QUARANTINE_CANARY_APP,
    SLA_OPD,
    TRAFFIC_CANARY_APP,
    source_of,
    subject_of,
)
from .records import Record, Records, later, to_record, valid_event
from .report import Tally
from .sequences import VIEWS, Sequence, sequence

SEQUENCES_PER_POISON = 10  # one adversarial sequence per this many poison records (at least one per topic)


async def run(bootstrap: str, http: httpx.AsyncClient, urls: dict[str, str], legacy: AsyncEngine,
              topics: list[Topic], count: int, seed: int, rng: random.Random, tally: Tally, deadline_s: float,
              signer: Signer) -> None:
    """Send at least one poison record per consumed topic (`count` in all when more), a canary after each, and
    the sequences, each signed by `signer`; wait for every canary."""
    records = Records(rng)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, acks="all",
                                max_request_size=4 * 1024 * 1024, request_timeout_ms=15_000)
    await producer.start()
    canaries: list[Canary] = []
    base_quarantined = await _catalog(http, urls, QUARANTINE_CANARY_APP, "quarantined") or 0
    if COMPLAINT_SLA in topics:
        await _sla_recipient(http, urls)
    sent: Counter[str] = Counter()  # canaries sent by topic: some checks count what the consumer took
    start = datetime.now(UTC)
    try:
        for n in range(max(count, len(topics))):
            topic = topics[n % len(topics)]
            at = later(start, n)
            poison = records.poison(topic, f"S{seed}K{n}", at)
            partition = await _send(producer, _signed(poison, signer), tally)
            tally.sent["kafka"] += 1
            tally.fuzzed.add(topic.name)
            event = valid_event(topic, f"S{seed}C{n}", at, canary=True)
            canary = to_record(topic, Envelope(event, source=source_of(topic), subject=subject_of(event), time=at))
            # the canary goes where the poison went: a poison that stalls its partition stalls the canary
            if await _send(producer, _signed(canary, signer), tally, partition) is None:
                continue
            sent[topic.name] += 1
            check = _effect(topic, http, urls, legacy, event, at, base_quarantined + sent[BRIDGE_QUARANTINE.name],
                            sent[topic.name])
            canaries.append(Canary(f"{topic.name} p{partition or 0}", _name(event), poison.describe(), check))
        moved = [t for t in topics if t.name in VIEWS]
        for n in range(max(len(moved), count // SEQUENCES_PER_POISON)):
            seq = sequence(moved[n % len(moved)], f"S{seed}Q{n}", start - timedelta(hours=1), rng)
            if (canary := await _send_sequence(producer, signer, seq, http, urls, tally)) is not None:
                canaries.append(canary)
    finally:
        await producer.stop()
    await wait_all(canaries, tally, "kafka", deadline_s)


async def _send_sequence(producer: AIOKafkaProducer, signer: Signer, seq: Sequence, http: httpx.AsyncClient,
                         urls: dict[str, str], tally: Tally) -> Canary | None:
    """The sequence's events and its canary, by the ticket's key (one partition, in order, as a bridge sends)."""
    tally.sequences += 1
    for event in (*seq.events, seq.canary):
        at = datetime.now(UTC)
        record = to_record(seq.topic, Envelope(event, source=source_of(seq.topic), subject=subject_of(event), time=at),
                           "sequence")
        if await _send(producer, _signed(record, signer), tally) is None:
            return None
    service, path = VIEWS[seq.topic.name]

    async def shows_the_last_move() -> bool:
        resp = await http.get(urls[service] + path.format(seq.ticket))
        return resp.status_code == 200 and resp.json().get("status") == seq.expected

    return Canary(f"{seq.topic.name} {seq.ticket}", f"{seq.ticket} → {seq.expected}", seq.describe(),
                  shows_the_last_move)


def _signed(record: Record, signer: Signer) -> Record:
    """The record signed over what it carries, as a producer of the platform would: poison stays poison for what it
    is, never only for lacking a signature (the stack trusts the tool key for any app)."""
    token = signer.sign(record.key, record.value, header_map(record.headers))
    return replace(record, headers=(*record.headers, (SIGNATURE_HEADER, token.encode())))


async def _send(producer: AIOKafkaProducer, record: Record, tally: Tally, partition: int | None = None) -> int | None:
    try:
        meta = await producer.send_and_wait(record.topic, record.value, key=record.key,
                                            headers=list(record.headers), partition=partition)
    except KafkaError as exc:  # the broker refused it (e.g. too large): nothing a consumer will ever see
        tally.fail("kafka", "broker refused the record", record.describe(), repr(exc))
        return None
    return meta.partition


def _name(event) -> str:
    for attr in ("ticket", "nop", "camera_id"):
        if (value := getattr(event, attr, None)) is not None:
            return value
    return f"{type(event).__name__} {getattr(event, 'source_id', '')}".strip()


def _effect(topic: Topic, http: httpx.AsyncClient, urls: dict[str, str], legacy: AsyncEngine, event, at: datetime,
            quarantined: int, sent: int = 0):
    """The check that the canary took effect, as each consuming service shows it (`sent`: the canaries sent on
    this topic so far, this one included)."""

    async def found(service: str, path: str) -> bool:
        return (await http.get(urls[service] + path)).status_code == 200

    async def heartbeat() -> bool:
        seen = await _catalog(http, urls, HEARTBEAT_CANARY_APP, "last_heartbeat_at")
        return seen is not None and datetime.fromisoformat(seen) >= at

    async def quarantine() -> bool:
        return (await _catalog(http, urls, QUARANTINE_CANARY_APP, "quarantined") or 0) >= quarantined

    async def traffic() -> bool:  # topics only the catalog follows: the app's newest event
        seen = ((await _catalog(http, urls, TRAFFIC_CANARY_APP[topic.name], "health")) or {}).get("last_event_at")
        return seen is not None and datetime.fromisoformat(seen) >= at

    async def written_back() -> bool:  # bridge-curhat recorded the portal complaint in the legacy table
        mark = f"%[Tiket Palapa: {event.ticket}]%"
        async with legacy.connect() as conn:
            return bool(await conn.scalar(select(func.count()).where(tb_pengaduan.c.isi_laporan.like(mark))))

    async def reminded() -> bool:  # notify-svc took the reminder (no phone known for the account: counted)
        resp = await http.get(f"{urls['notify-svc']}/metrics")
        found = re.search(r'palapa_messages_total\{[^}]*outcome="no_contact"[^}]*\} ([0-9.e+]+)', resp.text)
        return found is not None and float(found.group(1)) >= sent

    async def taken() -> bool:  # notify-svc's consumer took as many as were sent (a follow or a bill's view of an
        # account nobody signs in as: nothing else shows it without the gate)
        resp = await http.get(f"{urls['notify-svc']}/metrics")
        labels = {f'topic="{topic.name}"', 'outcome="done"'}
        done = [float(line.rsplit(" ", 1)[1]) for line in resp.text.splitlines()
                if line.startswith("palapa_consumer_records_total{")
                and labels <= set(line.split("{", 1)[1].split("}", 1)[0].split(","))]
        return bool(done) and done[0] >= sent

    async def messaged() -> bool:  # notify-svc queued the warning for the OPD's recipient
        resp = await http.get(f"{urls['notify-svc']}/v2/tickets/{ticket}/messages")
        return resp.status_code == 200 and bool(resp.json())

    ticket = getattr(event, "ticket", None)
    checks = {
        COMPLAINT_INTAKE.name: lambda: found("complaint-svc", f"/complaints/{ticket}"),
        COMPLAINT_UPDATES.name: lambda: found("notify-svc", f"/tickets/{ticket}"),
        TICKET_UPDATES.name: lambda: found("notify-svc", f"/tickets/{ticket}"),
        SERVICE_REQUESTS.name: lambda: found("tracking-svc", f"/tickets/{ticket}"),
        EMERGENCY_INCIDENTS.name: lambda: found("tracking-svc", f"/tickets/{ticket}"),
        TAX_BILLS.name: lambda: found("taxbill-svc", f"/tax-bills/{getattr(event, 'nop', '')}?year=2026"),
        COMPLAINT_SLA.name: messaged, TAX_REMINDERS.name: reminded, CITIZEN_CASES.name: taken,
        CITIZEN_BILLS.name: taken,
        CURHAT_COMMANDS.name: written_back, BRIDGE_HEARTBEATS.name: heartbeat, BRIDGE_QUARANTINE.name: quarantine,
    }
    return checks.get(topic.name, traffic)


async def _sla_recipient(http: httpx.AsyncClient, urls: dict[str, str]) -> None:
    """The OPD of the SLA events gets one recipient (as the complaints desk): a warning's effect is its message."""
    resp = await http.post(f"{urls['notify-svc']}/v2/recipients", json={
        "level": "opd", "opd": SLA_OPD, "name": "Fuzz", "channel": "email", "address": "sla-fuzz@palapa.go.id"})
    if resp.status_code != 201:
        raise RuntimeError(f"notify-svc refused the SLA recipient: {resp.status_code} {resp.text[:200]}")


async def _catalog(http: httpx.AsyncClient, urls: dict[str, str], app_id: str, field: str):
    resp = await http.get(f"{urls['catalog-svc']}/apps/{app_id}")
    return resp.json().get(field) if resp.status_code == 200 else None
