"""WhatsApp through the WhatsApp Business Cloud API (graph.facebook.com, or sim-whatsapp locally).

Send: `POST {base}/{version}/{phone-number-id}/messages` with a bearer token; an approved template (its body
parameters in order) or, inside the citizen's 24-hour window, free text. Our message id travels as
`biz_opaque_callback_data` and comes back in status callbacks.
Callbacks: `X-Hub-Signature-256: sha256=HMAC-SHA256(app_secret, raw body)`; the newest status or message
timestamp must be inside the window; the same signature twice within it is a replay.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import httpx

from .base import (
    Accepted,
    Callback,
    CallbackRefusedError,
    InboundText,
    Outgoing,
    PermanentFailure,
    StatusReport,
    TemporaryFailure,
)
from .guard import ReplayGuard, header, retry_after, safe_reason

NOT_ON_WHATSAPP = {131026}  # "Message undeliverable": not a WhatsApp user (or an old app)
TEMPORARY = {130429, 131000, 131016, 131056, 133004}  # rate limits, "something went wrong", service unavailable
STATUSES = {"sent", "delivered", "read", "failed"}


class WhatsAppChannel:
    name = "whatsapp"

    def __init__(self, http: httpx.AsyncClient, *, base_url: str, api_version: str, phone_number_id: str,
                 access_token: str, app_secret: str, callback_window_s: float = 300,
                 guard: ReplayGuard | None = None) -> None:
        self.http = http
        self.url = f"{base_url.rstrip('/')}/{api_version}/{phone_number_id}/messages"
        self.token, self.secret = access_token, app_secret.encode()
        self.guard = guard or ReplayGuard(callback_window_s)

    async def send(self, message: Outgoing) -> Accepted:
        try:
            answer = await self.http.post(self.url, json=self.request(message),
                                          headers={"Authorization": f"Bearer {self.token}"})
        except httpx.TimeoutException as exc:
            raise TemporaryFailure("whatsapp: the provider did not answer in time") from exc
        except httpx.HTTPError as exc:
            raise TemporaryFailure(f"whatsapp: {type(exc).__name__}") from exc
        return self.accepted(answer)

    @staticmethod
    def request(message: Outgoing) -> dict[str, Any]:
        """The Cloud API's send request for `message`."""
        request: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual",
                                   "to": message.to, "biz_opaque_callback_data": message.message_id}
        if message.template:
            request["type"] = "template"
            request["template"] = {"name": message.template, "language": {"code": message.language},
                                   "components": [{"type": "body", "parameters": [
                                       {"type": "text", "text": p} for p in message.params]}]}
        else:
            request["type"] = "text"
            request["text"] = {"body": message.body, "preview_url": False}
        return request

    @staticmethod
    def accepted(answer: httpx.Response) -> Accepted:
        """The provider's answer: the message's id, or the failure it means."""
        try:
            body = answer.json()
        except ValueError:
            body = {}
        if answer.is_success:
            try:
                return Accepted(str(body["messages"][0]["id"]))
            except (KeyError, IndexError, TypeError) as exc:
                raise TemporaryFailure(f"whatsapp: unreadable answer ({answer.status_code})") from exc
        error = body.get("error") if isinstance(body, dict) else None
        error = error if isinstance(error, dict) else {}
        code = error.get("code")
        reason = safe_reason(f"whatsapp {code or answer.status_code}: {error.get('message') or answer.reason_phrase}")
        if answer.status_code == 429 or code in TEMPORARY:
            raise TemporaryFailure(reason, retry_after(answer.headers.get("retry-after")))
        if answer.status_code >= 500 or answer.status_code == 408:
            raise TemporaryFailure(reason)
        raise PermanentFailure(reason, not_on_channel=code in NOT_ON_WHATSAPP)

    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> Callback:
        signature = header(headers, "X-Hub-Signature-256")
        if not signature:
            raise CallbackRefusedError("unsigned callback: X-Hub-Signature-256 is missing")
        expected = "sha256=" + hmac.new(self.secret, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(signature.strip().lower().encode(), expected.encode()):
            raise CallbackRefusedError("wrong signature")
        callback, stamps = parse(body)
        if stamps:
            self.guard.check_fresh(max(stamps))
        self.guard.remember(expected)
        return replace(callback, seen_as=expected)


def _reference(value) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= 64 else None


def parse(body: bytes) -> tuple[Callback, list[float]]:
    """The statuses and inbound texts of a (verified) webhook body, and the Unix times they carry."""
    try:
        payload = json.loads(body)
        if payload.get("object") != "whatsapp_business_account":
            raise CallbackRefusedError("not a WhatsApp Business Account callback")
        values = [c.get("value") or {} for e in payload.get("entry") or () for c in e.get("changes") or ()
                  if c.get("field") == "messages"]
        statuses, inbound, stamps = [], [], []
        for value in values:
            for s in value.get("statuses") or ():
                at = float(s["timestamp"])
                if s["status"] not in STATUSES:
                    continue  # e.g. "deleted", "warning": nothing a message's delivery status records
                errors = s.get("errors") or []
                error = safe_reason(f"{errors[0].get('code')} {errors[0].get('title', '')}".strip()) if errors else None
                statuses.append(StatusReport(str(s["id"]), s["status"], _utc(at), error,
                                             _reference(s.get("biz_opaque_callback_data"))))
                stamps.append(at)
            for m in value.get("messages") or ():
                at, sender = float(m["timestamp"]), str(m["from"])
                if not sender.isdigit() or len(sender) > 15:
                    raise ValueError("sender is not a WhatsApp id")
                inbound.append(InboundText("whatsapp", "+" + sender, _text_of(m), _utc(at)))
                stamps.append(at)
    except CallbackRefusedError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError, OSError) as exc:
        raise CallbackRefusedError(f"malformed callback: {type(exc).__name__}") from exc
    return Callback(tuple(statuses), tuple(inbound)), stamps


def _text_of(message: dict[str, Any]) -> str:
    kind = message.get("type")
    if kind == "text":
        return str(message["text"]["body"])
    if kind == "button":
        return str(message["button"].get("text", ""))
    if kind == "interactive":
        reply = message["interactive"].get("button_reply") or message["interactive"].get("list_reply") or {}
        return str(reply.get("title", ""))
    return ""  # media, location, …: the window still opens; there is no text to read


def _utc(unix: float) -> datetime:
    return datetime.fromtimestamp(unix, UTC)
