"""Messages caused by the platform's events, in the consuming transaction: reporters' contacts stored sealed,
citizens told of their tickets, staff of SLA warnings and escalations."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.events import ComplaintSubmitted, ComplaintUpdatedV2, SlaBreached, SlaWarning, TicketUpdated
from palapa.kit.consumer import Delivery
from palapa.kit.uow import Done

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

    async def on_events(self, session: AsyncSession, deliveries: Sequence[Delivery]) -> list[Done]:
        for d in deliveries:
            event = d.envelope.data
            if isinstance(event, ComplaintSubmitted):
                await self._remember_reporter(session, event)
                await self.send(session, rules.on_submitted(event, self.public_url))
            elif isinstance(event, SlaWarning | SlaBreached):
                await self.send(session, rules.on_sla(event, d.envelope.id))
        return [Done() for _ in deliveries]

    async def on_view(self, session: AsyncSession, event: ComplaintUpdatedV2 | TicketUpdated) -> None:
        """A fresh complaint or ticket view (called by the view consumer, in its transaction)."""
        if isinstance(event, ComplaintUpdatedV2):
            await self.send(session, rules.on_complaint_view(event, self.public_url))
        elif isinstance(event, TicketUpdated):
            await self.send(session, rules.on_ticket_view(event, self.public_url))

    async def _remember_reporter(self, session: AsyncSession, event: ComplaintSubmitted) -> None:
        for channel, raw in rules.reporter_addresses(event):
            try:
                kind, address = normalise(channel, raw)
            except AddressError as exc:  # the reporter typed something odd: no message, and no address in the log
                log.warning("ticket %s: reporter %s not usable (%s)", event.ticket, channel, exc.reason)
                continue
            await store.link_ticket(session, event.ticket, await store.contact_id(
                session, self.messaging.sealer, kind, address))

    async def send(self, session: AsyncSession, intents: Sequence[Intent]) -> int:
        """Queue each intent for each of its recipients; the number queued."""
        queued = 0
        for intent in intents:
            for channel, contact in await self._recipients(session, intent):
                request = Request(intent.cause, intent.template_id, intent.personalisation, channel, contact,
                                  CLIENT, kind=intent.kind, ticket=intent.ticket)
                try:
                    answer = await request_message(session, request, self.messaging.rules)
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
