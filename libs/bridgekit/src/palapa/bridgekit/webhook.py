"""The webhook adapter: a push source. A legacy app POSTs each change; the body is checked and goes through
the same `Bridge.ingest` as a poll's page.

Signature: `X-Signature: sha256=<hex>` (or the bare hex) where hex = HMAC-SHA256(secret, f"{ts}." + raw body)
and `ts` is the `X-Timestamp` header (Unix seconds). The timestamp is signed with the body, so it cannot be
changed by whoever replays a captured request, and a request outside `tolerance_seconds` of our clock is
refused (a replay later than that). Headers' names are configurable; compare is constant-time.

Answers: 200 with the counts; 401 (bad/missing signature or timestamp), 400 (a body `parse` cannot read as
records), 413 (a body over `max_bytes`, refused before it is all read), 503 (our database away: the sender
retries). Each answer carries `{"detail", "reason"}` like every service's errors.

Duplicates and order: `parse` makes SourceRecords with `ordered=True` and `changed_at` = the legacy app's own
updated time of that record. Under the checkpoint's lock, ingest compares each record with the row state
it stored for that id: the same fingerprint (a webhook delivered twice, or a replay inside the tolerance
window) or an older `changed_at` (a webhook delivered after a newer one, or after a poll read the newer
version) is skipped, and neither events nor state change. A version stamped with the very time of the one handled
cannot be ordered by time (a whole-second clock): the records are marked `pushed`, and a translation may answer
`Deferred` for it, leaving it to the source's own order at the next poll. A push does not move the poll's position:
it is ingested with the stored position as its `next_position` (retried if a poll moved it meanwhile).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from palapa.kit.auth import Public
from palapa.kit.http import refusal

from .ingest import Bridge, CheckpointMovedError, Ingested, SourceRecord
from .masking import safe_text

log = logging.getLogger(__name__)


class WebhookRefusedError(Exception):
    """A request refused: the HTTP status, a stable reason code, and a sentence in Bahasa Indonesia."""

    def __init__(self, status: int, reason: str, detail: str) -> None:
        super().__init__(reason)
        self.status, self.reason, self.detail = status, reason, detail


@dataclass(frozen=True)
class WebhookConfig:
    """Where the signature and timestamp are, the shared secret, the replay window and the size limit."""

    secret: bytes
    signature_header: str = "X-Signature"
    timestamp_header: str = "X-Timestamp"
    tolerance_seconds: float = 300.0
    max_bytes: int = 256 * 1024

    def __post_init__(self) -> None:
        if len(self.secret) < 16:
            raise ValueError("a webhook secret needs at least 16 bytes")


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp` (what the legacy app computes)."""
    return "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify(config: WebhookConfig, signature: str | None, timestamp: str | None, body: bytes, now: float) -> None:
    """Nothing when the request is authentic and fresh; WebhookRefusedError (401) saying why otherwise."""
    if not signature:
        raise WebhookRefusedError(401, "missing_signature", f"Header {config.signature_header} tidak ada")
    if not timestamp:
        raise WebhookRefusedError(401, "missing_timestamp", f"Header {config.timestamp_header} tidak ada")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        raise WebhookRefusedError(401, "bad_timestamp", "Stempel waktu bukan detik Unix")
    if abs(now - int(timestamp)) > config.tolerance_seconds:
        raise WebhookRefusedError(401, "stale_timestamp",
                                  f"Stempel waktu di luar toleransi {config.tolerance_seconds:g} detik")
    given = signature.removeprefix("sha256=").strip().lower()
    expected = sign(config.secret, timestamp, body).removeprefix("sha256=")
    # compare_digest on ASCII only: a non-ASCII header is simply wrong
    if not given.isascii() or not hmac.compare_digest(given.encode(), expected.encode()):
        raise WebhookRefusedError(401, "bad_signature", "Tanda tangan tidak cocok")


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The raw body, refused (413) as soon as it passes `max_bytes` (Content-Length or counted)."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > max_bytes:
        raise WebhookRefusedError(413, "body_too_large", f"Isi permintaan lebih dari {max_bytes:,} byte")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise WebhookRefusedError(413, "body_too_large", f"Isi permintaan lebih dari {max_bytes:,} byte")
        chunks.append(chunk)
    return b"".join(chunks)


#: the raw body (signature checked) → the records it carries; raises ValueError with the reason if unreadable
Parse = Callable[[bytes], list[SourceRecord]]


async def push(bridge: Bridge, records: list[SourceRecord], attempts: int = 5) -> Ingested:
    """Ingest pushed records without moving the poll's position (ingested with the stored position); each is marked
    `pushed` (its translation may defer a version it cannot order to the source's own order)."""
    records = [replace(r, pushed=True) for r in records]
    for _ in range(attempts - 1):
        position = bridge.position if bridge.position is not None else await bridge.load_position()
        try:
            return await bridge.ingest(records, position)
        except CheckpointMovedError:  # a poll committed in between: ingest again at its position
            continue
    return await bridge.ingest(records, bridge.position)


def webhook_router(path: str, bridge: Bridge, config: WebhookConfig, parse: Parse,
                   clock: Callable[[], float] = time.time) -> APIRouter:
    """A router with POST `path`: verify, parse, ingest; answers as the module docstring says."""
    router = APIRouter()
    # its protection rule travels with it (runner.bridge_table reads `rules`): no staff token, the signature is the key
    router.rules = (Public("POST", path, why="the legacy app's webhook: authenticated by its HMAC-SHA256 signature "
                                             "and timestamp (bridgekit/webhook.py), not by a staff token"),)
    logged: dict[str, float] = {}  # reason → when last logged: a flood of forged requests is not a flood of lines

    @router.post(path, summary="Webhook of the legacy app (HMAC-SHA256 signed)")
    async def receive(request: Request) -> JSONResponse:
        try:
            body = await read_body(request, config.max_bytes)
            verify(config, request.headers.get(config.signature_header),
                   request.headers.get(config.timestamp_header), body, clock())
            try:
                records = parse(body)
            except ValueError as exc:
                raise WebhookRefusedError(400, "unreadable_body", safe_text(f"Isi tidak terbaca: {exc}", 300)) from exc
        except WebhookRefusedError as refused:
            if time.monotonic() - logged.get(refused.reason, -60.0) >= 60.0:
                logged[refused.reason] = time.monotonic()
                log.warning("webhook %s refused: %s (logged once a minute per reason)", path, refused.reason)
            return refusal(refused.status, refused.reason, refused.detail)
        try:
            done = await push(bridge, records)
        except Exception as exc:  # our database away (or a bug): the sender retries, nothing was committed
            log.error("webhook %s: ingest failed: %s", path, safe_text(f"{type(exc).__name__}: {exc}", 300))
            return refusal(503, "ingest_unavailable", "Layanan sedang tidak dapat menyimpan, coba lagi")
        return JSONResponse({"received": len(records), "handled": done.handled, "events": done.emitted,
                             "quarantined": done.quarantined})

    return router
