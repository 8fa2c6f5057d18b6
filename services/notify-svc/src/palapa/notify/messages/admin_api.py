"""Staff routes of messages: templates (versioned, with a preview), escalation recipients, citizens' preferences,
OPD API keys, and the messages of a ticket with their statuses. Every change goes on the audit log."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from palapa.kit.auth import Permission, Staff, require_opd
from palapa.kit.http import refusal

from .. import store as views
from . import keys, queue, staff, store
from .addresses import AddressError, normalise
from .policy import ANY_KIND, Kind, Preference
from .rules import STAFF_LEVELS
from .templates import MAX_FIELDS, Template, TemplateError, Text, check_template, render
from .wiring import Messaging


class TextIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: str = Field(min_length=1, max_length=4000)
    subject: str | None = Field(default=None, max_length=400)


class TemplateWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Kind
    fields: list[str] = Field(default_factory=list, max_length=MAX_FIELDS)
    texts: dict[Literal["id", "en"], TextIn]
    whatsapp_name: str | None = Field(default=None, max_length=100, pattern=r"^[a-z0-9_]+$")
    critical: bool = False


class Preview(BaseModel):
    model_config = ConfigDict(extra="forbid")
    personalisation: dict[str, str | int] = Field(default_factory=dict, max_length=MAX_FIELDS)
    language: Literal["id", "en"] = "id"


class RecipientWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: Literal["opd", "sekda", "wali-kota"]
    opd: str | None = Field(default=None, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=200)
    channel: Literal["whatsapp", "sms", "email"]
    address: str = Field(min_length=1, max_length=254)


class PreferenceWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel: Literal["whatsapp", "sms", "email"]
    address: str = Field(min_length=1, max_length=254)
    kind: Kind | Literal["*"] = ANY_KIND
    allowed: bool


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    opd: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")
    test: bool = False


def admin_router(messaging: Messaging) -> APIRouter:
    router = APIRouter(prefix="/v2", tags=["messages admin"])
    tx, sealer = messaging.runtime.transaction, messaging.sealer

    @router.get("/templates")
    async def list_templates(who: Staff):
        async with tx() as t:
            return [{"id": i, "version": v, "kind": k} for i, v, k in await store.template_ids(t.session)]

    @router.get("/templates/{template_id}")
    async def read_template(template_id: str, who: Staff, version: int | None = None):
        async with tx() as t:
            found = await store.template(t.session, template_id[:64], version)
        return _template(found) if found else refusal(404, "unknown_template", "Templat tidak ditemukan")

    @router.put("/templates/{template_id}")
    async def save_template(template_id: str, body: TemplateWrite, who: Staff):
        """Save a template as its next version; refused when a text uses an undeclared field."""
        texts = {lang: Text(x.body, x.subject) for lang, x in body.texts.items()}
        try:
            template = check_template(Template(template_id, 1, body.kind, tuple(body.fields), texts,
                                               body.whatsapp_name, body.critical))
        except TemplateError as exc:
            return refusal(422, exc.reason, exc.detail)
        async with tx() as t:
            saved = await store.save_template(t.session, template, who.subject)
            t.audit(who, "messages.template.save", ("template", saved.id), after=_template(saved))
        return _template(saved)

    @router.post("/templates/{template_id}/preview")
    async def preview(template_id: str, body: Preview, who: Staff):
        async with tx() as t:
            found = await store.template(t.session, template_id[:64])
        if found is None:
            return refusal(404, "unknown_template", "Templat tidak ditemukan")
        try:
            shown = render(found, body.personalisation, body.language)
        except TemplateError as exc:
            return refusal(422, exc.reason, exc.detail)
        return {"id": found.id, "version": found.version, "language": shown.language, "subject": shown.subject,
                "body": shown.body}

    @router.get("/recipients")
    async def list_recipients(who: Staff, level: str | None = None):
        async with tx() as t:
            return await staff.listing(t.session, level if level in STAFF_LEVELS else None)

    @router.post("/recipients", status_code=201)
    async def add_recipient(body: RecipientWrite, who: Staff):
        """Who receives SLA warnings and escalations at a level; the address is kept sealed, never listed."""
        if (body.level == "opd") != bool(body.opd):
            return refusal(422, "bad_level", "opd wajib diisi untuk tingkat opd, dan hanya untuk itu")
        try:
            kind, address = normalise(body.channel, body.address)
        except AddressError as exc:
            return refusal(422, exc.reason, exc.detail)
        async with tx() as t:
            contact = await store.contact_id(t.session, sealer, kind, address)
            rid = await staff.add(t.session, body.level, body.opd or "", body.name, body.channel, contact)
            after = {"id": rid, "level": body.level, "opd": body.opd, "name": body.name, "channel": body.channel}
            t.audit(who, "messages.recipient.add", ("recipient", str(rid)), after=after)
        return after

    @router.delete("/recipients/{recipient_id}")
    async def remove_recipient(recipient_id: int, who: Staff):
        async with tx() as t:
            before = await staff.remove(t.session, recipient_id)
            if before is None:
                return refusal(404, "unknown_recipient", "Penerima tidak ditemukan")
            t.audit(who, "messages.recipient.remove", ("recipient", str(recipient_id)), before=before)
        return before

    @router.put("/preferences")
    async def set_preference(body: PreferenceWrite, who: Staff):
        """A citizen's choice, set by the desk at their request. Opting out always works; nobody but the citizen
        (a START reply) lifts their STOP."""
        try:
            kind, address = normalise(body.channel, body.address)
        except AddressError as exc:
            return refusal(422, exc.reason, exc.detail)
        async with tx() as t:
            contact = await store.contact_id(t.session, sealer, kind, address)
            current = await store.preferences_of(t.session, contact)
            stopped = any(p.kind == ANY_KIND and p.channel == body.channel and not p.allowed for p in current)
            if body.allowed and stopped:
                return refusal(409, "opted_out", "Warga ini berhenti berlangganan; hanya balasan MULAI/START "
                                                 "dari warga sendiri yang dapat membukanya kembali")
            await store.set_preferences(t.session, contact, [Preference(body.kind, body.channel, body.allowed)])
            t.audit(who, "messages.preference.set", ("contact", str(contact)),
                    after={"kind": body.kind, "channel": body.channel, "allowed": body.allowed})
        return {"kind": body.kind, "channel": body.channel, "allowed": body.allowed}

    @router.post("/api-keys", status_code=201)
    async def create_key(body: KeyCreate, who: Staff):
        """A key for an OPD's app; the secret is in this answer only (stored hashed)."""
        async with tx() as t:
            key_id, secret = await keys.issue(t.session, body.name, body.opd, body.test)
            t.audit(who, "messages.api_key.issue", ("api_key", key_id),
                    after={"name": body.name, "opd": body.opd.upper(), "test": body.test})
        return {"id": key_id, "secret": secret, "opd": body.opd.upper(), "test": body.test}

    @router.delete("/api-keys/{key_id}")
    async def revoke_key(key_id: str, who: Staff):
        async with tx() as t:
            if not await keys.revoke(t.session, key_id[:36]):
                return refusal(404, "unknown_api_key", "Kunci API tidak ditemukan atau sudah dicabut")
            t.audit(who, "messages.api_key.revoke", ("api_key", key_id[:36]))
        return {"id": key_id[:36], "revoked": True}

    @router.get("/tickets/{ticket}/messages")
    async def ticket_messages(ticket: str, who: Staff):
        """The messages about a case and each one's statuses (an officer: only for their OPD's cases)."""
        view = await views.latest(messaging.runtime.sessions, ticket[:64])
        require_opd(who, Permission.CASES_READ, (view or {}).get("opd"))
        async with tx() as t:
            rows = await queue.of_ticket(t.session, ticket[:64])
            return [{"id": r.id, "kind": r.kind, "channel": r.channel, "status": r.status, "failure_reason": r.error,
                     "template": {"id": r.template_id, "version": r.template_version}, "fallback_of": r.fallback_of,
                     "created_at": r.created_at.isoformat(), "history": await queue.statuses(t.session, r.id)}
                    for r in rows]

    return router


def _template(t: Template) -> dict:
    return {"id": t.id, "version": t.version, "kind": t.kind, "fields": list(t.fields), "critical": t.critical,
            "whatsapp_name": t.whatsapp_name,
            "texts": {lang: {"body": x.body, "subject": x.subject} for lang, x in t.texts.items()}}

