"""SMS through an Indonesian operator gateway's HTTP API (sim-sms locally).

Every request is signed: `X-API-Key`, `X-Timestamp` (Unix seconds) and `X-Signature: sha256_hex(key + secret +
timestamp)`. Send: `POST {base}/api/sms/send` with our message id as `ref_id` (the gateway de-duplicates on it).
Status by callback (`X-Timestamp`, `X-Signature: hex HMAC-SHA256(secret, timestamp + "." + body)`) or by polling
`GET {base}/api/sms/status/{id}` (`poll`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

import httpx

from .base import (
    Accepted,
    Callback,
    CallbackRefusedError,
    DeliveryStatus,
    Outgoing,
    PermanentFailure,
    StatusReport,
    TemporaryFailure,
)
from .guard import ReplayGuard, header, retry_after, safe_reason

STATUSES: dict[str, DeliveryStatus | None] = {
    "ACCEPTED": None, "QUEUED": None, "SENT": "sent", "DELIVERED": "delivered",
    "UNDELIVERED": "failed", "FAILED": "failed", "EXPIRED": "failed", "REJECTED": "failed",
}
NOT_ON_CHANNEL = {"INVALID_MSISDN"}  # not a mobile number the gateway can reach: another channel may


class SmsChannel:
    name = "sms"

    def __init__(self, http: httpx.AsyncClient, *, base_url: str, api_key: str, api_secret: str,
                 callback_window_s: float = 300, guard: ReplayGuard | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.http, self.base = http, base_url.rstrip("/")
        self.key, self.secret, self.clock = api_key, api_secret, clock
        self.guard = guard or ReplayGuard(callback_window_s, clock=clock)

    def _signed(self) -> dict[str, str]:
        ts = str(int(self.clock()))
        return {"X-API-Key": self.key, "X-Timestamp": ts,
                "X-Signature": hashlib.sha256(f"{self.key}{self.secret}{ts}".encode()).hexdigest()}

    async def _call(self, method: str, path: str, **kw) -> httpx.Response:
        try:
            return await self.http.request(method, self.base + path, headers=self._signed(), **kw)
        except httpx.TimeoutException as exc:
            raise TemporaryFailure("sms: the gateway did not answer in time") from exc
        except httpx.HTTPError as exc:
            raise TemporaryFailure(f"sms: {type(exc).__name__}") from exc

    async def send(self, message: Outgoing) -> Accepted:
        answer = await self._call("POST", "/api/sms/send", json={
            "msisdn": message.to.strip().lstrip("+"), "message": message.body, "ref_id": message.message_id})
        return Accepted(str(self._body(answer)["message_id"]))

    async def poll(self, provider_id: str) -> StatusReport | None:
        """The message's status by asking the gateway (when callbacks do not come); None while only queued."""
        answer = await self._call("GET", f"/api/sms/status/{provider_id}")
        body = self._body(answer)
        status = STATUSES.get(str(body.get("delivery_status")))
        if status is None:
            return None
        return StatusReport(provider_id, status, datetime.fromtimestamp(int(body.get("updated_at") or 0), UTC))

    @staticmethod
    def _body(answer: httpx.Response) -> dict:
        try:
            body = answer.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = {}
        if answer.is_success and body.get("status") == 0 and body.get("message_id"):
            return body
        name = str(body.get("error") or answer.reason_phrase)
        reason = safe_reason(f"sms {answer.status_code} {name}: {body.get('message', '')}".rstrip(": "))
        if answer.status_code == 429:
            raise TemporaryFailure(reason, retry_after(answer.headers.get("retry-after")))
        if answer.status_code >= 500 or answer.status_code == 408 or answer.is_success:
            raise TemporaryFailure(reason)  # a 2xx without an id: the gateway's answer is unreadable
        raise PermanentFailure(reason, not_on_channel=name in NOT_ON_CHANNEL)

    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> Callback:
        ts, signature = header(headers, "X-Timestamp"), header(headers, "X-Signature")
        if not ts or not signature:
            raise CallbackRefusedError("unsigned callback: X-Timestamp and X-Signature are required")
        expected = hmac.new(self.secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(signature.strip().lower().encode(), expected.encode()):
            raise CallbackRefusedError("wrong signature")
        if not ts.isdigit() or len(ts) > 12:
            raise CallbackRefusedError("X-Timestamp is not a Unix time")
        self.guard.check_fresh(float(ts))
        try:
            report = json.loads(body)
            status = STATUSES.get(str(report["status"]).upper(), "unknown")
            if status == "unknown":
                raise CallbackRefusedError("unknown delivery status")
            at = datetime.fromtimestamp(int(report.get("timestamp") or ts), UTC)
            error = safe_reason(report["error_code"]) if report.get("error_code") else None
            ref = report.get("ref_id")
            ref = ref if isinstance(ref, str) and 0 < len(ref) <= 64 else None
            statuses = () if status is None else (StatusReport(str(report["message_id"]), status, at, error, ref),)
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError, OSError) as exc:
            raise CallbackRefusedError(f"malformed callback: {exc.__class__.__name__}") from exc
        self.guard.remember(expected)
        return Callback(statuses, seen_as=expected)
