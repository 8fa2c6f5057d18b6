"""Messages caused by the platform's events, in the consuming transaction: reporters' contacts stored sealed,
citizens told of their tickets, staff of SLA warnings and escalations."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.events import (
    ComplaintSubmittedV2,
    ComplaintUpdatedV2,
    SlaBreached,
    SlaWarning,
    TaxBillReminderDue,
    TicketUpdated,
)
from palapa.contracts.identity import Identity
from palapa.contracts.phone import hash_of_account
from palapa.kit.consumer import Delivery
from palapa.kit.sealed import Sealer as ReporterSealer
from palapa.kit.sealed import SealError, open_identity
from palapa.kit.uow import Done, Refused

from . import rules, staff, store
from .addresses import AddressError, normalise
from .outbound import Request, request_message
from .rules import CITIZEN, Intent
from .templates import TemplateError
from .wiring import Messaging

log = logging.getLogger(__name__)
CLIENT = "notify-svc"


class MessageEvents:
    """The effect of notify-svc's messages consumer (intake and SLA topics), and the hook of its view consumers."""

    def __init__(self, messaging: Messaging) -> None:
        self.messaging = messaging
        self.public_url = messaging.settings.public_url
        self.reporters = ReporterSealer(messaging.settings.reporter_key.get_secret_value(),
                                        ComplaintSubmittedV2.SEAL_PURPOSE)

    async def on_events(self, session: AsyncSession, deliveries: Sequence[Delivery]) -> list[Done | Refused]:
        results: list[Done | Refused] = []
        for d in deliveries:
            event = d.envelope.data
            if isinstance(event, ComplaintSubmittedV2):
                try:
                    who = open_identity(self.reporters, event.ticket, event.reporter_sealed, event.v1_identity)
                except SealError as exc:  # dead-lettered with the reason: never the sealed value, never a guess
                    results.append(Refused(f"{event.ticket}: reporter_sealed {exc}"))
                    continue
                await self._remember_reporter(session, event, who)
                await self.send(session, rules.on_submitted(event, self.public_url, who))
            elif isinstance(event, SlaWarning | SlaBreached):
                await self.send(session, rules.on_sla(event, d.envelope.id))
            elif isinstance(event, TaxBillReminderDue):
                await self._remind(session, event)
            results.append(Done())
        return results

    async def on_view(self, session: AsyncSession, event: ComplaintUpdatedV2 | TicketUpdated) -> None:
        """A fresh complaint or ticket view (called by the view consumer, in its transaction)."""
        if isinstance(event, ComplaintUpdatedV2):
            await self.send(session, rules.on_complaint_view(event, self.public_url))
        elif isinstance(event, TicketUpdated):
            await self.send(session, rules.on_ticket_view(event, self.public_url))

    async def _remind(self, session: AsyncSession, event: TaxBillReminderDue) -> None:
        """A follower's bill due soon, to the phone their gate account was made from (WhatsApp, SMS if it fails)."""
        account = hash_of_account(event.account)
        contact = await store.contact_of_account(session, account) if account else None
        if contact is None:  # notify-svc has not seen that phone (or has no account secret): said, not sent
            log.warning("tax reminder %s:%s: no phone known for the follower's account", event.nop, event.year)
            self.messaging.runtime.metrics.messages.labels(channel="whatsapp", outcome="no_contact").inc()
            return
        await self.send(session, [rules.on_tax_reminder(event)], to=[("whatsapp", contact)])

    async def _remember_reporter(self, session: AsyncSession, event: ComplaintSubmittedV2,
                                 who: Identity | None) -> None:
        for channel, raw in rules.reporter_addresses(event, who):
            try:
                kind, address = normalise(channel, raw)
            except AddressError as exc:  # the reporter typed something odd: no message, and no address in the log
                log.warning("ticket %s: reporter %s not usable (%s)", event.ticket, channel, exc.reason)
                continue
            await store.link_ticket(session, event.ticket, await store.contact_id(
                session, self.messaging.sealer, kind, address))

    async def send(self, session: AsyncSession, intents: Sequence[Intent],
                   to: Sequence[tuple[str, int]] | None = None) -> int:
        """Queue each intent for each of its recipients (`to`, or the intent's audience); the number queued."""
        queued = 0
        for intent in intents:
            for channel, contact in (to if to is not None else await self._recipients(session, intent)):
                request = Request(intent.cause, intent.template_id, intent.personalisation, channel, contact,
                                  CLIENT, kind=intent.kind, ticket=intent.ticket, secret=intent.secret)
                try:
                    answer = await request_message(session, request, self.messaging.rules,
                                                   sealer=self.messaging.sealer)
                except TemplateError as exc:  # the city edited a template so it no longer fits: said, not sent
                    log.error("message %s for %s not queued: %s (%s)", intent.template_id, intent.ticket,
                              exc.reason, exc.detail)
                    continue
                queued += answer.created
        return queued

    async def _recipients(self, session: AsyncSession, intent: Intent) -> list[tuple[str, int]]:
        if intent.audience == CITIZEN:
            if intent.ticket is None:
                return []
            return [("email" if kind == "email" else "whatsapp", contact)
                    for contact, kind in await store.contacts_of_ticket(session, intent.ticket)]
        return [(channel, contact) for _id, channel, contact in
                await staff.recipients(session, intent.audience, intent.opd)]
