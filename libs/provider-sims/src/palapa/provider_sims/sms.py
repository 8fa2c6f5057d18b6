"""sim-sms: an Indonesian operator SMS gateway's shape, with its quirks (test numbers: see testnumbers.py).

Every API request carries `X-API-Key`, `X-Timestamp` (Unix seconds) and
`X-Signature: sha256_hex(api_key + api_secret + timestamp)`; a timestamp outside the window is refused (401).
- `POST /api/sms/send` `{"msisdn": "62812…", "message": "…", "ref_id": "…"}` → `{"status": 0, "message_id": …}`;
  the same `ref_id` again answers the first message's id and sends nothing (the gateway de-duplicates).
- `GET /api/sms/status/{message_id}` → `{"status": 0, "message_id", "delivery_status": …}`, the status one of
  ACCEPTED, SENT, DELIVERED, UNDELIVERED.
- Delivery reports POSTed to the callback URL: `{"message_id", "ref_id", "status", "timestamp", "error_code"}` with
  `X-Timestamp` and `X-Signature: hex HMAC-SHA256(api_secret, timestamp + "." + body)`.
- Errors: `{"status": <code>, "error": "<NAME>", "message": …}`: 401 AUTH_FAILED / TIMESTAMP_OUT_OF_WINDOW,
  400 INVALID_MSISDN / MESSAGE_TOO_LONG / BLACKLISTED, 429 THROTTLED (Retry-After), 503 GATEWAY_BUSY.
- For tests: `GET /_sim/messages?msisdn=` lists what "arrived", `GET /_sim/stats` counts callbacks.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import random
import re
import secrets
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse

from .settings import SmsSimSettings
from .testnumbers import plan, refused_at_attempt
from .webhooks import Background, Quirks, WebhookSender, webhook_client

log = logging.getLogger(__name__)
MSISDN = re.compile(r"^628\d{7,11}$")
MAX_CHARS = 918  # six concatenated GSM-7 parts
STATUS_NAMES = {"sent": "SENT", "delivered": "DELIVERED", "failed": "UNDELIVERED"}


class GatewayError(Exception):
    def __init__(self, http: int, code: int, name: str, message: str, retry_after_s: int | None = None) -> None:
        super().__init__(message)
        self.http, self.code, self.name, self.message, self.retry_after_s = http, code, name, message, retry_after_s

    def response(self) -> JSONResponse:
        headers = {"Retry-After": str(self.retry_after_s)} if self.retry_after_s else None
        return JSONResponse({"status": self.code, "error": self.name, "message": self.message},
                            status_code=self.http, headers=headers)


@dataclass
class Sms:
    id: str
    msisdn: str
    text: str
    ref_id: str | None
    at: float
    status: str = "ACCEPTED"
    history: list[dict[str, Any]] = field(default_factory=list)

    def view(self) -> dict[str, Any]:
        return {"message_id": self.id, "msisdn": self.msisdn, "message": self.text, "ref_id": self.ref_id,
                "at": self.at, "status": self.status, "history": self.history}


def request_signature(api_key: str, api_secret: str, timestamp: str) -> str:
    """What the gateway expects in X-Signature."""
    return hashlib.sha256(f"{api_key}{api_secret}{timestamp}".encode()).hexdigest()


def callback_headers(secret: bytes):
    def headers(body: bytes) -> dict[str, str]:
        ts = str(int(time.time()))
        digest = hmac.new(secret, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        return {"X-Timestamp": ts, "X-Signature": digest}
    return headers


def create_app(settings: SmsSimSettings) -> FastAPI:
    secret = settings.api_secret.get_secret_value()
    client = webhook_client()
    quirks = Quirks(settings.duplicate_ratio, settings.out_of_order_ratio)
    webhooks = WebhookSender(client, settings.webhook_url, callback_headers(secret.encode()), quirks,
                             random.Random(settings.seed), retry_for_s=settings.webhook_retry_seconds)
    background = Background()
    messages: dict[str, Sms] = {}
    by_ref: dict[str, str] = {}
    attempts: dict[str, int] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        log.info("simulating an SMS gateway, delivery reports to %s", settings.webhook_url or "nowhere (poll)")
        yield
        await background.stop()
        await client.aclose()

    app = FastAPI(title="SMS gateway (simulated)", lifespan=lifespan)
    app.state.messages, app.state.webhooks, app.state.background = messages, webhooks, background

    def authenticate(request: Request) -> None:
        key, ts, signature = (request.headers.get(h, "") for h in ("x-api-key", "x-timestamp", "x-signature"))
        expected = request_signature(settings.api_key, secret, ts)
        if not hmac.compare_digest(key.encode(), settings.api_key.encode()) or not hmac.compare_digest(
                signature.encode(), expected.encode()):
            raise GatewayError(401, 101, "AUTH_FAILED", "API key or signature is wrong")
        if not ts.isdigit() or abs(time.time() - int(ts)) > settings.time_window_seconds:
            raise GatewayError(401, 102, "TIMESTAMP_OUT_OF_WINDOW", "X-Timestamp is too far from the gateway's clock")

    async def reports(sms: Sms) -> None:
        steps = plan("+" + sms.msisdn, channel="sms")
        bodies = []
        for i, status in enumerate(steps.statuses):
            name = STATUS_NAMES[status]
            sms.status = name
            sms.history.append({"status": name, "at": time.time()})
            report = {"message_id": sms.id, "ref_id": sms.ref_id, "status": name, "timestamp": int(time.time()) + i}
            if status == "failed":
                report["error_code"] = "EC_ABSENT_SUBSCRIBER"
            bodies.append(json.dumps(report).encode())
        await webhooks.deliver_series(bodies, delay_s=settings.status_delay_seconds,
                                      duplicate_all=steps.duplicate_all)

    def accept(payload: Any) -> Sms:
        if not isinstance(payload, dict):
            raise GatewayError(400, 200, "BAD_REQUEST", "the body must be a JSON object")
        msisdn, text, ref = payload.get("msisdn"), payload.get("message"), payload.get("ref_id")
        if ref is not None and (not isinstance(ref, str) or len(ref) > 128):
            raise GatewayError(400, 200, "BAD_REQUEST", "ref_id must be a string of at most 128 characters")
        if ref and ref in by_ref:
            return messages[by_ref[ref]]
        if not isinstance(msisdn, str) or not MSISDN.match(msisdn):
            raise GatewayError(400, 201, "INVALID_MSISDN", "msisdn must be an Indonesian mobile number (628…)")
        if not isinstance(text, str) or not text or len(text) > MAX_CHARS:
            raise GatewayError(400, 202, "MESSAGE_TOO_LONG", f"message must have 1 to {MAX_CHARS} characters")
        attempts[msisdn] = attempt = attempts.get(msisdn, 0) + 1
        refused = refused_at_attempt("+" + msisdn, attempt)
        if refused == "rate_limited":
            raise GatewayError(429, 301, "THROTTLED", "too many requests", retry_after_s=1)
        if refused == "temporary":
            raise GatewayError(503, 302, "GATEWAY_BUSY", "the operator's SMSC is not answering, try again")
        if refused == "refused":
            raise GatewayError(400, 203, "BLACKLISTED", "the number has refused messages from this sender")
        sms = Sms("SMS" + secrets.token_hex(10).upper(), msisdn, text, ref or None, time.time())
        messages[sms.id] = sms
        if ref:
            by_ref[ref] = sms.id
        background.start(reports(sms))
        return sms

    @app.get("/healthz")
    @app.get("/readyz")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/api/sms/send")
    async def send(request: Request) -> JSONResponse:
        try:
            authenticate(request)
            try:
                payload = json.loads(await request.body())
            except ValueError as exc:
                raise GatewayError(400, 200, "BAD_REQUEST", "the body is not JSON") from exc
            sms = accept(payload)
        except GatewayError as exc:
            return exc.response()
        if settings.send_delay_seconds:
            await asyncio.sleep(settings.send_delay_seconds)
        return JSONResponse({"status": 0, "message_id": sms.id, "ref_id": sms.ref_id})

    @app.get("/api/sms/status/{message_id}")
    async def status(message_id: str, request: Request) -> JSONResponse:
        try:
            authenticate(request)
            if message_id not in messages:
                raise GatewayError(404, 204, "NOT_FOUND", "no message with this id")
        except GatewayError as exc:
            return exc.response()
        sms = messages[message_id]
        updated = sms.history[-1]["at"] if sms.history else sms.at
        return JSONResponse({"status": 0, "message_id": sms.id, "ref_id": sms.ref_id,
                             "delivery_status": sms.status, "updated_at": int(updated)})

    @app.get("/_sim/messages")
    async def listing(msisdn: str | None = Query(None, max_length=32), limit: int = Query(100, ge=1, le=1_000_000)):
        wanted = msisdn.strip().lstrip("+") if msisdn else None
        return {"messages": [m.view() for m in messages.values() if wanted is None or m.msisdn == wanted][-limit:]}

    @app.get("/_sim/stats")
    async def stats() -> dict[str, int]:
        return {"accepted": len(messages), "callbacks_sent": webhooks.sent, "callbacks_failed": webhooks.failed,
                "duplicated": webhooks.duplicated, "reordered": webhooks.reordered, "pending": len(background.tasks)}

    return app
