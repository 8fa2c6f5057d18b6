"""The GOV.UK-Notify-shaped API for the city's other apps: send a notification, read its status.

A caller is an OPD's API key (`Authorization: ApiKey-v1 <secret>`, stored hashed; test keys reach only the
simulators) or an `opd-api-client` token (`messages.send`). The routes are public in the protection table
because an API key is not a token: they authenticate here, and refuse anything else with 401.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from types import SimpleNamespace
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from palapa.kit.auth import MaybeStaff, Permission
from palapa.kit.http import refusal

from ..channels.base import CallbackRefusedError
from . import keys, queue
from .addresses import AddressError, body_digest, normalise
from .keys import ApiClient
from .outbound import Request as MessageRequest
from .outbound import request_message
from .policy import Kind
from .store import contact_id
from .store import template as template_of
from .templates import MAX_FIELDS, TemplateError
from .wiring import Messaging

CAPPED = ("cap_identical", "cap_total")
MAX_CALLBACK_BYTES = 1024 * 1024


class Refused(Exception):
    """A request refused after its transaction began: raised so the transaction rolls back."""

    def __init__(self, answer: JSONResponse) -> None:
        super().__init__(answer.status_code)
        self.answer = answer


class NotificationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    template_id: str = Field(min_length=1, max_length=64)
    personalisation: dict[str, str | int] = Field(default_factory=dict, max_length=MAX_FIELDS)
    reference: str | None = Field(default=None, max_length=200)
    phone_number: str | None = Field(default=None, max_length=32)
    email_address: str | None = Field(default=None, max_length=254)
    language: Literal["id", "en"] = "id"


def notifications_router(messaging: Messaging) -> APIRouter:
    router = APIRouter(prefix="/v2", tags=["messages"])
    tx = messaging.runtime.transaction
    kept = messaging.settings.idempotency_hours
    purged = [0.0]  # when this process last deleted expired Idempotency-Keys

    async def caller(session, request: Request, who) -> tuple[str, bool] | JSONResponse:
        """(client name, test) of the caller, or the 401/403 to answer (in the request's one transaction)."""
        scheme, _, secret = (request.headers.get("authorization") or "").partition(" ")
        if scheme.lower() == "apikey-v1":
            found: ApiClient | None = await keys.client_of(session, secret.strip())
            if found is None:
                return refusal(401, "api_key_invalid", "Kunci API tidak dikenal atau sudah dicabut")
            return found.client, found.test
        if who is None:
            return refusal(401, "credentials_missing", "Sertakan kunci API OPD (ApiKey-v1) atau token klien OPD")
        if not who.may(Permission.MESSAGES_SEND):
            return refusal(403, "role_missing", "Tindakan ini memerlukan peran: opd-api-client")
        return f"client:{who.client_id or who.subject}"[:200], False

    @router.post("/notifications/{channel}", status_code=201)
    async def send_notification(
        channel: Literal["whatsapp", "sms", "email"], body: NotificationCreate, request: Request, who: MaybeStaff,
        idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
    ):
        """Send one message from a template; the same Idempotency-Key within 24 hours sends nothing twice."""
        try:
            async with tx() as t:  # one transaction for the whole request: each costs round trips
                return await send(t.session, channel, body, request, who, idempotency_key)
        except Refused as refused:  # its transaction rolled back: a key claimed for a refused request is free again
            return refused.answer

    async def send(session, channel: str, body: NotificationCreate, request: Request, who,
                   idempotency_key: str | None) -> JSONResponse:
        if time.monotonic() > purged[0] + 60:  # expired Idempotency-Keys go once a minute, not per request
            purged[0] = time.monotonic()
            await keys.forget_expired(session, timedelta(hours=kept))
        found = await caller(session, request, who)
        if isinstance(found, JSONResponse):
            raise Refused(found)
        client, test = found
        raw = body.email_address if channel == "email" else body.phone_number
        if not raw:
            raise Refused(refusal(422, "recipient_missing",
                                  "email_address wajib untuk e-mail, phone_number untuk WhatsApp/SMS"))
        try:
            kind, address = normalise(channel, raw)
        except AddressError as exc:
            raise Refused(refusal(422, exc.reason, exc.detail)) from exc
        message_id = str(uuid.uuid4())
        if idempotency_key is not None:
            # the key is claimed first, for this request's message: a request under a key used within 24 hours
            # (a concurrent one's claim is waited for) answers that request's message; an older one is as new
            digest = body_digest({"channel": channel, **body.model_dump()})
            if not await keys.remember(session, client, idempotency_key, digest, message_id, timedelta(hours=kept)):
                seen = await keys.remembered(session, client, idempotency_key, timedelta(hours=kept))
                if seen is None or seen[0] != digest:
                    raise Refused(refusal(422, "idempotency_key_reused", "Idempotency-Key ini sudah dipakai untuk "
                                                                         "permintaan lain dalam 24 jam terakhir"))
                return _notification(await queue.by_id(session, seen[1]), 200)
        template = await template_of(session, body.template_id)
        if template is not None and template.critical and template.kind != Kind.ONE_TIME_CODE:
            # emergencies skip STOP and quiet hours: only the platform's own events send them
            raise Refused(refusal(403, "critical_template", "Templat darurat hanya dikirim oleh platform sendiri"))
        contact = await contact_id(session, messaging.sealer, kind, address)
        try:
            queued = await request_message(session, MessageRequest(
                f"api:{client}:{message_id}", body.template_id, body.personalisation, channel, contact, client,
                language=body.language, reference=body.reference, test=test, message_id=message_id),
                messaging.rules, template=template)
        except TemplateError as exc:
            raise Refused(refusal(404 if exc.reason == "unknown_template" else 422, exc.reason, exc.detail)) from exc
        row = SimpleNamespace(**queued.row) if queued.row else await queue.by_id(session, queued.id)
        if queued.error in CAPPED:  # the refused message stays, visibly: a retry under its key answers it
            return refusal(429, queued.error, "Batas pesan untuk penerima ini tercapai; coba lagi nanti")
        return _notification(row, 201)

    @router.get("/notifications/{notification_id}")
    async def get_notification(notification_id: str, request: Request, who: MaybeStaff):
        """A notification this caller sent, with its status and history."""
        async with tx() as t:
            found = await caller(t.session, request, who)
            if isinstance(found, JSONResponse):
                return found
            row = await queue.by_id(t.session, notification_id[:36])
            if row is None or row.client != found[0]:  # another client's message is not theirs to see
                return refusal(404, "unknown_notification", "Notifikasi tidak ditemukan")
            history = await queue.statuses(t.session, row.id)
        return _notification(row, 200, history)

    return router


def callbacks_router(messaging: Messaging) -> APIRouter:
    router = APIRouter(prefix="/v2", tags=["messages"])

    @router.post("/callbacks/{channel}")
    async def provider_callback(channel: Literal["whatsapp", "sms", "email"], request: Request):
        """A provider's status callback or a citizen's reply, verified by the provider's signature."""
        adapter = messaging.channels.live.get(channel)
        if adapter is None:
            return refusal(404, "unknown_channel", "Kanal ini tidak dikonfigurasi")
        body = await request.body()
        if len(body) > MAX_CALLBACK_BYTES:
            return refusal(413, "too_large", "Callback terlalu besar")
        try:
            callback = adapter.verify_callback({k.lower(): v for k, v in request.headers.items()}, body)
        except CallbackRefusedError as exc:
            return refusal(401, "callback_refused", str(exc)[:200])
        try:
            return await messaging.callbacks.apply(channel, callback)  # with the callbacks that arrive meanwhile
        except Exception:  # answered 5xx: the provider sends it again, and that is not a replay
            if (guard := getattr(adapter, "guard", None)) is not None:
                guard.forget(callback.seen_as)
            raise

    return router


def _notification(row, status: int, history: list[dict] | None = None) -> JSONResponse:
    """A message as GOV.UK Notify shows one; the recipient's address is never in it."""
    body = {
        "id": row.id, "reference": row.reference, "type": row.channel, "status": row.status,
        "failure_reason": row.error, "template": {"id": row.template_id, "version": row.template_version},
        "content": {"body": row.body, "subject": row.subject}, "created_at": row.created_at.isoformat(),
        "test": row.test, "fallback_of": row.fallback_of,
    }
    if history is not None:
        body["history"] = history
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
