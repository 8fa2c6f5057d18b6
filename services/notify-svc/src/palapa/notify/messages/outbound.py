"""Asking for a message: the template rendered, the recipient's preferences, caps and quiet hours applied, and
the message queued once under its key (a repeated cause finds the message it queued before)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from . import queue, store
from .addresses import fingerprint, message_key
from .delivery import Status, falls_back
from .policy import Caps, QuietHours, critical_values_refused, is_critical, permitted
from .sealing import Sealer
from .templates import Rendered, Template, TemplateError, render

#: what the stored text shows in place of a secret value
MASKED = "[tautan pribadi]"
#: the associated data of a sealed message text (an address cannot be opened as one, nor one as an address)
SEALED_TEXT = "message-text"


def seal_text(sealer: Sealer, rendered: Rendered) -> bytes:
    """The text as sent, sealed for the dispatcher."""
    return sealer.seal(SEALED_TEXT, json.dumps({"body": rendered.body, "subject": rendered.subject,
                                                "params": list(rendered.params)}, ensure_ascii=False))


def open_text(sealer: Sealer, sealed: bytes) -> tuple[str, str | None, tuple[str, ...]]:
    """(body, subject, params) of a sealed text; InvalidTag when it was sealed under another key."""
    text = json.loads(sealer.open(SEALED_TEXT, sealed))
    return text["body"], text["subject"], tuple(text["params"])


@dataclass(frozen=True)
class Rules:
    """The city's sending rules (from the settings)."""

    quiet: QuietHours = field(default_factory=QuietHours)
    caps: Caps = field(default_factory=Caps)


@dataclass(frozen=True)
class Request:
    """One message asked for: `cause` is the causing event's id (or the API request's), so a repeat finds it."""

    cause: str
    template_id: str
    personalisation: Mapping[str, object]
    channel: str
    contact: int
    client: str
    kind: str | None = None  # the template's kind by default
    language: str = "id"
    ticket: str | None = None
    reference: str | None = None
    test: bool = False
    critical: bool = False
    #: personalisation fields whose values must not rest in clear (a private link's capability): the stored text
    #: shows them masked, the text as sent is sealed (messages.sealed) and opened only to send it
    secret: tuple[str, ...] = ()
    message_id: str | None = None  # the new message's id when the caller chose it (an Idempotency-Key's claim)


@dataclass(frozen=True)
class Queued:
    """The message a request made (or found): `created` False when it was asked for before."""

    id: str
    status: str
    created: bool
    error: str | None = None
    row: Mapping[str, Any] | None = None  # a message just made: its row as inserted (no query to read it back)


async def request_message(session: AsyncSession, req: Request, rules: Rules, now: datetime | None = None, *,
                          template: Template | None = None, sealer: Sealer | None = None) -> Queued:
    """Queue a message, or record why it is not sent; TemplateError for a request that cannot be rendered.
    `template`: the request's template when the caller read it already (its current version); `sealer`: the
    messages key's, for a request with secret values."""
    now = now or datetime.now(UTC)
    if template is None or template.id != req.template_id:
        template = await store.template(session, req.template_id)
    if template is None:
        raise TemplateError("unknown_template", f"Templat {req.template_id[:64]!r} tidak ditemukan")
    rendered = render(template, req.personalisation, req.language)
    shown, sealed = rendered, None
    if req.secret:
        if sealer is None:
            raise ValueError("a message with secret values needs the messages sealer")
        masked = {k: MASKED if k in req.secret else v for k, v in req.personalisation.items()}
        shown = render(template, masked, req.language)
        sealed = seal_text(sealer, rendered)
    kind = req.kind or template.kind
    refused = critical_values_refused(kind, req.personalisation) or critical_values_refused(template.kind,
                                                                                             req.personalisation)
    if refused is not None:
        raise TemplateError(refused.reason, refused.detail)
    key = message_key(req.cause, kind, str(req.contact), req.channel)
    critical = is_critical(kind, req.critical or template.critical)
    digest = fingerprint(template.id, rendered.body)
    refusal = permitted(await store.preferences_of(session, req.contact), kind, req.channel, critical=critical)
    if refusal is None:
        identical, total = await queue.recent_counts(session, req.contact, digest, now - rules.caps.window)
        refusal = rules.caps.check(identical, total)
    values = {
        "id": req.message_id or str(uuid.uuid4()), "key": key, "kind": kind, "template_id": template.id,
        "template_version": template.version, "language": rendered.language, "channel": req.channel,
        "contact_id": req.contact, "ticket": req.ticket, "reference": req.reference, "client": req.client[:200],
        "test": req.test, "critical": critical, "subject": shown.subject, "body": shown.body,
        "params": list(shown.params), "sealed": sealed, "whatsapp_name": template.whatsapp_name, "fingerprint": digest,
        "status": Status.FAILED if refusal else Status.QUEUED, "error": refusal.reason if refusal else None,
        "not_before": rules.quiet.not_before(now, critical=critical),
    }
    # a cause asked for before (a redelivered event, a concurrent transaction) inserts nothing: its message answers
    # (looked up only then: a lookup first cost every new message a query)
    if not await queue.insert_once(session, values, now):
        found = await queue.by_key(session, key)
        return Queued(found.id, found.status, False, found.error)
    return Queued(values["id"], values["status"], True, values["error"],
                  row={**values, "created_at": now, "fallback_of": None})


async def fall_back(session: AsyncSession, failed: Row, channel: str, rules: Rules, now: datetime) -> Queued | None:
    """Queue the same text on `channel` (WhatsApp → SMS) for a message that failed for good, unless the
    recipient does not want it there; None when nothing is queued."""
    if permitted(await store.preferences_of(session, failed.contact_id), failed.kind, channel,
                 critical=failed.critical) is not None:
        return None
    key = message_key(failed.id, failed.kind, str(failed.contact_id), channel)
    values = {
        "id": str(uuid.uuid4()), "key": key, "kind": failed.kind, "template_id": failed.template_id,
        "template_version": failed.template_version, "language": failed.language, "channel": channel,
        "contact_id": failed.contact_id, "ticket": failed.ticket, "reference": failed.reference,
        "client": failed.client, "test": failed.test, "critical": failed.critical, "subject": failed.subject,
        "body": failed.body, "params": failed.params, "sealed": failed.sealed,
        "whatsapp_name": None, "fingerprint": failed.fingerprint,
        "status": Status.QUEUED, "error": None, "fallback_of": failed.id,
        "not_before": rules.quiet.not_before(now, critical=failed.critical),
    }
    created = await queue.insert_once(session, values, now)
    return Queued(values["id"], Status.QUEUED, created) if created else None


async def fail(session: AsyncSession, row: Row, reason: str, now: datetime, rules: Rules, *,
               not_on_channel: bool = False) -> None:
    """A message failed for good: final and visible; a WhatsApp one falls back to SMS (once)."""
    await queue.change(session, row.id, now, reason, status=Status.FAILED, lease_until=None, error=reason[:300])
    fallback = falls_back(row.channel, not_on_channel=not_on_channel)
    if fallback is not None and row.fallback_of is None:
        await fall_back(session, row, fallback, rules, now)
