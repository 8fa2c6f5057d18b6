"""Webhooks: signed over timestamp and raw body, fresh, bounded; twice or out of order changes nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

import httpx
import pytest
from fastapi import FastAPI

from palapa.bridgekit.ingest import CheckpointMovedError, Ingested, SourceRecord, unchanged
from palapa.bridgekit.state import LastState
from palapa.bridgekit.webhook import WebhookConfig, WebhookRefusedError, push, sign, verify, webhook_router

SECRET = b"rahasia-bersama-psc119"
CONFIG = WebhookConfig(secret=SECRET, max_bytes=1000)
NOW = 1_800_000_000.0


def at(minute: int) -> datetime:
    return datetime(2026, 11, 26, 8, minute)


def record(i: str, fp: str, minute: int, ordered: bool = True) -> SourceRecord:
    return SourceRecord(source_id=i, fingerprint=fp, status="1", changed_at=at(minute), row={}, item=None,
                        ordered=ordered)


def test_a_signed_fresh_request_passes():
    body = b'{"id": 1}'
    verify(CONFIG, sign(SECRET, "1800000000", body), "1800000000", body, NOW)
    verify(CONFIG, sign(SECRET, "1800000000", body).removeprefix("sha256="), "1800000000", body, NOW + 299)


@pytest.mark.parametrize(("signature", "timestamp", "body", "reason"), [
    (None, "1800000000", b"{}", "missing_signature"),
    ("sha256=00", None, b"{}", "missing_timestamp"),
    ("sha256=00", "-5", b"{}", "bad_timestamp"),
    ("sha256=00", "١٨٠٠٠٠٠٠٠٠", b"{}", "bad_timestamp"),  # Unicode digits
    (sign(SECRET, "1799999000", b"{}"), "1799999000", b"{}", "stale_timestamp"),  # a replay 1,000 s later
    (sign(SECRET, "1800000000", b"{}"), "1800000000", b"{ }", "bad_signature"),  # body changed
    (sign(SECRET, "1799999999", b"{}"), "1800000000", b"{}", "bad_signature"),  # timestamp changed
    (sign(b"another-secret-of-16", "1800000000", b"{}"), "1800000000", b"{}", "bad_signature"),
    ("sha256=é" * 10, "1800000000", b"{}", "bad_signature"),
])
def test_an_unsigned_stale_or_forged_request_is_refused_with_its_reason(signature, timestamp, body, reason):
    with pytest.raises(WebhookRefusedError) as refused:
        verify(CONFIG, signature, timestamp, body, NOW)
    assert (refused.value.status, refused.value.reason) == (401, reason)


def test_a_short_secret_is_refused_at_configuration():
    with pytest.raises(ValueError, match="16 bytes"):
        WebhookConfig(secret=b"secret")


def test_a_record_delivered_twice_or_older_than_the_one_handled_is_unchanged():
    handled = LastState("dispatched", "fp2", at(10))
    assert unchanged(record("1", "fp2", 10), handled)  # twice
    assert unchanged(record("1", "fp1", 5), handled)  # out of order: an older version
    assert not unchanged(record("1", "fp3", 12), handled)  # newer
    assert not unchanged(record("1", "fp3", 10), handled)  # same second, another version: handled (translation decides)
    assert not unchanged(record("1", "fp1", 5, ordered=False), handled)  # a poll re-read: no order assumed
    assert not unchanged(record("1", "fp1", 5), None)
    assert not unchanged(record("1", "fp1", 5), LastState("x", "fp2", None))


@dataclass
class FakeBridge:
    """Ingest with the kit's skip rule and checkpoint compare-and-set, in memory."""

    position: str | None = None
    stored: str = "c0"
    states: dict[str, LastState] = field(default_factory=dict)
    emitted: list[str] = field(default_factory=list)
    moves: int = 0  # how many ingests see a checkpoint moved by a poll

    async def load_position(self):
        self.position = self.stored
        return self.stored

    async def ingest(self, records, next_position) -> Ingested:
        if self.moves:
            self.moves -= 1
            self.stored = self.position = f"{self.stored}+"
            raise CheckpointMovedError("moved")
        assert next_position == self.stored
        handled = 0
        for r in records:
            if unchanged(r, self.states.get(r.source_id)):
                continue
            handled += 1
            self.emitted.append(f"{r.source_id}:{r.fingerprint}")
            self.states[r.source_id] = LastState("s", r.fingerprint, r.changed_at)
        return Ingested(handled, 0, handled)


def parse(body: bytes) -> list[SourceRecord]:
    data = json.loads(body)
    if not isinstance(data, dict) or "id" not in data:
        raise ValueError("no id in the body")
    return [record(str(data["id"]), data["v"], data["minute"])]


def client_for(bridge: FakeBridge) -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(webhook_router("/hook", bridge, CONFIG, parse, clock=lambda: NOW))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bridge")


async def post(client, payload, *, body: bytes | None = None, signature: str | None = None):
    body = json.dumps(payload).encode() if body is None else body
    headers = {"X-Timestamp": "1800000000", "X-Signature": signature or sign(SECRET, "1800000000", body)}
    return await client.post("/hook", content=body, headers=headers)


async def test_a_webhook_delivered_twice_or_out_of_order_changes_nothing():
    bridge = FakeBridge()
    async with client_for(bridge) as client:
        first = await post(client, {"id": 7, "v": "dispatched", "minute": 10})
        again = await post(client, {"id": 7, "v": "dispatched", "minute": 10})
        newer = await post(client, {"id": 7, "v": "handed", "minute": 20})
        late = await post(client, {"id": 7, "v": "dispatched-late", "minute": 15})
    assert [r.status_code for r in (first, again, newer, late)] == [200] * 4
    handled = (first.json()["handled"], again.json()["handled"], newer.json()["handled"], late.json()["handled"])
    assert handled == (1, 0, 1, 0)
    assert bridge.emitted == ["7:dispatched", "7:handed"]


async def test_a_push_retries_when_a_poll_moved_the_position_and_never_moves_it_itself():
    bridge = FakeBridge(moves=2)
    done = await push(bridge, [record("1", "a", 1)])
    assert done.handled == 1 and bridge.stored == "c0++"


async def test_bad_signature_401_unreadable_body_400_oversized_413_each_with_a_reason():
    bridge = FakeBridge()
    async with client_for(bridge) as client:
        forged = await post(client, {"id": 1, "v": "a", "minute": 1}, signature="sha256=" + "0" * 64)
        unreadable = await post(client, {"tanpa": "id"})
        not_json = await post(client, None, body=b"\xff\xfe<html>")
        big = await post(client, {"id": 1, "v": "x" * 2000, "minute": 1})
        unsigned = await client.post("/hook", content=b"{}")
    assert (forged.status_code, forged.json()["reason"]) == (401, "bad_signature")
    assert (unreadable.status_code, unreadable.json()["reason"]) == (400, "unreadable_body")
    assert "no id" in unreadable.json()["detail"]
    assert not_json.status_code == 400
    assert (big.status_code, big.json()["reason"]) == (413, "body_too_large")
    assert (unsigned.status_code, unsigned.json()["reason"]) == (401, "missing_signature")
    assert bridge.emitted == []


async def test_a_body_without_content_length_is_cut_off_at_the_limit():
    bridge = FakeBridge()

    async def chunks():
        for _ in range(50):
            yield b"x" * 100

    async with client_for(bridge) as client:
        answer = await client.post("/hook", content=chunks(),
                                   headers={"X-Timestamp": "1800000000", "X-Signature": "00"})
    assert (answer.status_code, answer.json()["reason"]) == (413, "body_too_large")
