"""Queries of the message tables, in the caller's transaction: contacts, tickets' contacts, preferences,
templates and their versions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..tables import contacts, message_templates, preferences, template_versions, ticket_contacts
from .policy import Preference
from .sealing import Sealer
from .templates import Template, Text

# built once (bound by name at each call): building one per request cost more CPU than running it
_CONTACT = select(contacts.c.id, contacts.c.account_hash).where(contacts.c.lookup == bindparam("hashed"))
_PREFERENCES = select(preferences.c.kind, preferences.c.channel, preferences.c.allowed).where(
    preferences.c.contact_id == bindparam("contact"))
_TEMPLATE = select(message_templates.c.id, message_templates.c.kind, message_templates.c.whatsapp_name,
                   message_templates.c.critical, template_versions.c.version, template_versions.c.fields,
                   template_versions.c.texts).where(message_templates.c.id == bindparam("template"))
# one query: the head and its version together (the current one, or the one asked for)
_OF_TEMPLATE = template_versions.c.template_id == message_templates.c.id
_CURRENT_TEMPLATE = _TEMPLATE.join_from(message_templates, template_versions, and_(
    _OF_TEMPLATE, template_versions.c.version == message_templates.c.version))
_TEMPLATE_AT = _TEMPLATE.join_from(message_templates, template_versions, and_(
    _OF_TEMPLATE, template_versions.c.version == bindparam("version")))


async def contact_id(session: AsyncSession, sealer: Sealer, kind: str, address: str) -> int:
    """The contact of a normalised address, sealed and stored the first time it is seen."""
    lookup, account = sealer.lookup(kind, address), sealer.account_hash(kind, address)
    known = (await session.execute(_CONTACT, {"hashed": lookup})).one_or_none()
    if known is not None:  # the usual case: one query
        if account is not None and known.account_hash is None:  # stored before the account secret was set
            await session.execute(update(contacts).where(contacts.c.id == known.id).values(account_hash=account))
        return known.id
    found = await session.scalar(
        insert(contacts).values(kind=kind, lookup=lookup, sealed=sealer.seal(kind, address),
                                created_at=datetime.now(UTC), account_hash=account)
        .on_conflict_do_nothing(index_elements=["lookup"]).returning(contacts.c.id))
    if found is None:  # stored by a concurrent transaction a moment ago
        found = await session.scalar(select(contacts.c.id).where(contacts.c.lookup == lookup))
    return found


async def contact_of_account(session: AsyncSession, account_hash: str) -> int | None:
    """The phone contact a gate phone account was made from (its keyed hash), if notify-svc knows that phone."""
    return await session.scalar(select(contacts.c.id).where(contacts.c.account_hash == account_hash)
                                .order_by(contacts.c.id).limit(1))


async def find_contact(session: AsyncSession, sealer: Sealer, kind: str, address: str) -> int | None:
    return await session.scalar(select(contacts.c.id).where(contacts.c.lookup == sealer.lookup(kind, address)))


async def addresses_of(session: AsyncSession, ids: Sequence[int]) -> dict[int, tuple[str, bytes]]:
    """(kind, sealed address) of each contact in `ids`, read in one query; opened with `sealer.open` for sending
    only, never logged."""
    rows = await session.execute(select(contacts.c.id, contacts.c.kind, contacts.c.sealed)
                                 .where(contacts.c.id.in_(set(ids))))
    return {r.id: (r.kind, r.sealed) for r in rows}


async def link_ticket(session: AsyncSession, ticket: str, contact: int) -> None:
    await session.execute(
        insert(ticket_contacts).values(ticket=ticket, contact_id=contact, created_at=datetime.now(UTC))
        .on_conflict_do_nothing()
    )


async def contacts_of_ticket(session: AsyncSession, ticket: str) -> list[tuple[int, str]]:
    """(contact id, kind) of everyone following a ticket by message."""
    t, c = ticket_contacts, contacts
    rows = await session.execute(
        select(c.c.id, c.c.kind).join(t, t.c.contact_id == c.c.id).where(t.c.ticket == ticket).order_by(c.c.id)
    )
    return [(r.id, r.kind) for r in rows]


async def preferences_of(session: AsyncSession, contact: int) -> list[Preference]:
    rows = await session.execute(_PREFERENCES, {"contact": contact})
    return [Preference(r.kind, r.channel, r.allowed) for r in rows]


async def set_preferences(session: AsyncSession, contact: int, choices: Sequence[Preference]) -> None:
    now = datetime.now(UTC)
    for choice in choices:
        stmt = insert(preferences).values(contact_id=contact, kind=choice.kind, channel=choice.channel,
                                          allowed=choice.allowed, updated_at=now)
        await session.execute(stmt.on_conflict_do_update(
            index_elements=["contact_id", "kind", "channel"],
            set_={"allowed": stmt.excluded.allowed, "updated_at": now},
        ))


async def save_template(session: AsyncSession, template: Template, by: str) -> Template:
    """Store `template` as the next version of its id (version 1 when new); returns it with its version."""
    now = datetime.now(UTC)
    current = await session.scalar(
        select(message_templates.c.version).where(message_templates.c.id == template.id).with_for_update()
    )
    version = (current or 0) + 1
    values = {"kind": template.kind, "critical": template.critical, "whatsapp_name": template.whatsapp_name,
              "version": version, "updated_at": now}
    if current is None:
        await session.execute(insert(message_templates).values(id=template.id, **values))
    else:
        await session.execute(message_templates.update().where(message_templates.c.id == template.id)
                              .values(**values))
    texts = {lang: {"body": t.body, "subject": t.subject} for lang, t in template.texts.items()}
    await session.execute(insert(template_versions).values(
        template_id=template.id, version=version, fields=list(template.fields), texts=texts, created_at=now,
        created_by=by[:200]))
    return Template(template.id, version, template.kind, template.fields, template.texts, template.whatsapp_name,
                    template.critical)


async def template(session: AsyncSession, template_id: str, version: int | None = None) -> Template | None:
    """A template at `version` (its current one by default), or None."""
    row = (await session.execute(_TEMPLATE_AT, {"template": template_id, "version": version}) if version else
           await session.execute(_CURRENT_TEMPLATE, {"template": template_id})).one_or_none()
    if row is None:
        return None
    texts = {lang: Text(t["body"], t.get("subject")) for lang, t in row.texts.items()}
    return Template(row.id, row.version, row.kind, tuple(row.fields), texts, row.whatsapp_name, row.critical)


async def template_ids(session: AsyncSession) -> list[tuple[str, int, str]]:
    m = message_templates
    rows = await session.execute(select(m.c.id, m.c.version, m.c.kind).order_by(m.c.id))
    return [(r.id, r.version, r.kind) for r in rows]


async def count_templates(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(message_templates))


async def seed_templates(session: AsyncSession, templates: Sequence[Template], by: str) -> int:
    """Store each template as version 1 unless its id exists (replicas starting together insert it once)."""
    now, added = datetime.now(UTC), 0
    for t in templates:
        inserted = await session.scalar(
            insert(message_templates).values(id=t.id, kind=t.kind, critical=t.critical, whatsapp_name=t.whatsapp_name,
                                             version=1, updated_at=now)
            .on_conflict_do_nothing().returning(message_templates.c.id))
        if inserted is not None:
            texts = {lang: {"body": x.body, "subject": x.subject} for lang, x in t.texts.items()}
            await session.execute(insert(template_versions).values(
                template_id=t.id, version=1, fields=list(t.fields), texts=texts, created_at=now, created_by=by))
            added += 1
    return added
