"""sim-whatsapp: the WhatsApp Business Cloud API's shape, with its quirks (test numbers: see testnumbers.py).

- `POST /v{N}/{phone-number-id}/messages` with `Authorization: Bearer <token>`: `type: template` (approved
  utility/authentication templates only) or `type: text` (only within 24 hours of the citizen's own message);
  answers `{"messages": [{"id": "wamid…"}]}` or the API's `{"error": {...}}` shape.
- Status webhooks (sent, delivered, read, failed) and inbound messages are POSTed to the webhook URL with
  `X-Hub-Signature-256: sha256=HMAC-SHA256(app_secret, body)`, a little late, sometimes twice or out of order.
- For tests: `POST /_sim/inbound` makes a citizen send a text (e.g. STOP), `POST /_sim/templates` approves a
  template, `GET /_sim/messages?to=` lists what "arrived", `GET /_sim/stats` counts callbacks.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import random
import secrets
import time
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from .settings import WhatsAppSimSettings
from .testnumbers import plan
from .webhooks import Background, Quirks, WebhookSender, webhook_client
from .whatsapp_state import DEFAULT_TEMPLATES, Account, ApiError, Sent

log = logging.getLogger(__name__)
WABA_ID = "102290129340398"
FAILED_ERROR = {"code": 131026, "title": "Message undeliverable"}


class InboundText(BaseModel):
    sender: str = Field(alias="from", max_length=32)
    text: str = Field(max_length=4096)
    seconds_ago: float = Field(0, ge=0, le=30 * 24 * 3600)  # to open a window that has already closed
    name: str = Field("Warga", max_length=100)


class TemplateSpec(BaseModel):
    name: str = Field(pattern=r"^[a-z0-9_]{1,512}$")
    category: str = Field(pattern=r"^(utility|authentication|marketing)$")
    params: int = Field(0, ge=0, le=20)
    status: str = Field("APPROVED", pattern=r"^(APPROVED|PENDING|REJECTED|PAUSED)$")
    languages: list[str] = Field(default_factory=lambda: ["id", "en"])


def sign(secret: bytes):
    def headers(body: bytes) -> dict[str, str]:
        return {"X-Hub-Signature-256": "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()}
    return headers


def envelope(phone_number_id: str, value: dict[str, Any]) -> bytes:
    """One webhook body: the `whatsapp_business_account` object with one change."""
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "6281100001234", "phone_number_id": phone_number_id}, **value}
    return json.dumps({"object": "whatsapp_business_account",
                       "entry": [{"id": WABA_ID, "changes": [{"value": value, "field": "messages"}]}]}).encode()


def create_app(settings: WhatsAppSimSettings) -> FastAPI:
    account = Account({**DEFAULT_TEMPLATES, **settings.templates})
    client = webhook_client()
    quirks = Quirks(settings.duplicate_ratio, settings.out_of_order_ratio)
    webhooks = WebhookSender(client, settings.webhook_url, sign(settings.app_secret.get_secret_value().encode()),
                             quirks, random.Random(settings.seed), retry_for_s=settings.webhook_retry_seconds)
    background = Background()
    token = settings.access_token.get_secret_value()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        log.info("simulating the WhatsApp Cloud API for phone number id %s, webhooks to %s",
                 settings.phone_number_id, settings.webhook_url or "nowhere")
        yield
        await background.stop()
        await client.aclose()

    app = FastAPI(title="WhatsApp Business Cloud API (simulated)", lifespan=lifespan)
    app.state.account, app.state.webhooks, app.state.background = account, webhooks, background

    async def statuses(message: Sent) -> None:
        steps = plan("+" + message.to, channel="whatsapp")
        bodies = []
        for i, status in enumerate(steps.statuses):
            entry: dict[str, Any] = {"id": message.id, "status": status, "timestamp": str(int(time.time()) + i),
                                     "recipient_id": message.to}
            if message.reference:
                entry["biz_opaque_callback_data"] = message.reference
            if status == "failed":
                entry["errors"] = [FAILED_ERROR]
            message.statuses.append({"status": status, "at": time.time()})
            bodies.append(envelope(settings.phone_number_id, {"statuses": [entry]}))
        await webhooks.deliver_series(bodies, delay_s=settings.status_delay_seconds,
                                      duplicate_all=steps.duplicate_all)

    @app.get("/healthz")
    @app.get("/readyz")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/{version}/{phone_number_id}/messages")
    async def send(version: str, phone_number_id: str, request: Request) -> JSONResponse:
        try:
            if request.headers.get("authorization", "") != f"Bearer {token}" or not token:
                raise ApiError(401, 190, "Invalid OAuth access token - Cannot parse access token", "bad token")
            if not version.startswith("v") or phone_number_id != settings.phone_number_id:
                raise ApiError(400, 100, "Unsupported post request",
                               "Object with this ID does not exist, cannot be loaded due to missing permissions")
            try:
                payload = json.loads(await request.body())
            except ValueError as exc:
                raise ApiError(400, 100, "Invalid parameter", "the body is not JSON") from exc
            if not isinstance(payload, dict):
                raise ApiError(400, 100, "Invalid parameter", "the body is not a JSON object")
            message = account.accept(payload)
        except ApiError as exc:
            headers = {"Retry-After": str(exc.retry_after_s)} if exc.retry_after_s else None
            return JSONResponse(exc.body(), status_code=exc.http, headers=headers)
        background.start(statuses(message))
        if settings.send_delay_seconds:
            await asyncio.sleep(settings.send_delay_seconds)
        return JSONResponse({"messaging_product": "whatsapp", "contacts": [{"input": payload["to"],
                             "wa_id": message.to}], "messages": [{"id": message.id}]})

    @app.post("/_sim/inbound")
    async def inbound(text: InboundText) -> JSONResponse:
        at = time.time() - text.seconds_ago
        try:
            who = account.inbound(text.sender, at)
        except ApiError as exc:
            return JSONResponse(exc.body(), status_code=exc.http)
        wamid = "wamid." + secrets.token_urlsafe(24)
        body = envelope(settings.phone_number_id, {
            "contacts": [{"profile": {"name": text.name}, "wa_id": who}],
            "messages": [{"from": who, "id": wamid, "timestamp": str(int(at)), "type": "text",
                          "text": {"body": text.text}}]})
        delivered = await webhooks.post(body)
        return JSONResponse({"id": wamid, "delivered": delivered})

    @app.post("/_sim/templates", status_code=201)
    async def approve(spec: TemplateSpec) -> dict[str, Any]:
        account.templates[spec.name] = spec.model_dump(exclude={"name"})
        return {"name": spec.name, **account.templates[spec.name]}

    @app.get("/_sim/messages")
    async def listing(to: str | None = Query(None, max_length=32), limit: int = Query(100, ge=1, le=1_000_000)):
        wanted = to.strip().lstrip("+") if to else None
        found = [m.view() for m in account.sent.values() if wanted is None or m.to == wanted]
        return {"messages": found[-limit:]}

    @app.get("/_sim/stats")
    async def stats() -> dict[str, int]:
        await asyncio.sleep(0)
        return {"accepted": len(account.sent), "callbacks_sent": webhooks.sent, "callbacks_failed": webhooks.failed,
                "duplicated": webhooks.duplicated, "reordered": webhooks.reordered,
                "pending": len(background.tasks)}

    return app
