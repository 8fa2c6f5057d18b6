"""What tracking-svc consumes: Si Makel's letter requests and PSC 119's incidents, each on a consumer of its own."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import LetterLinked, LetterRefused
from palapa.contracts.topics import EMERGENCY_INCIDENTS, SERVICE_REQUESTS
from palapa.kit.consumer import Delivery
from palapa.kit.runtime import Runtime
from palapa.kit.uow import Done, Refused

from . import domain, letters, store


class Tracking:
    """A batch of events: domain decisions in order → ticket rows → one TicketUpdated per change."""

    def __init__(self, source: str, corrections=None) -> None:
        self.source = source
        self.corrections = corrections  # the kit's palapa_legacy_corrections_total (labelled by app), if counted

    async def on_tracked(self, session: AsyncSession, deliveries: Sequence[Delivery]) -> list[Done | Refused | None]:
        """Any request or incident event: the kit hands over only its topic's event types. Si Makel's events for a
        request filed from the gate move the gate's ticket (letters.py)."""
        events: list = [d.envelope.data for d in deliveries]
        names = [e.ticket for e in events] + [e.legacy_ticket for e in events if isinstance(e, LetterLinked)]
        alias = await store.aliases(session, names)
        current = await store.get_many(session, names + list(alias.values()), for_update=True)
        known = set(current)
        results: list[Done | Refused | None] = []
        changed: list[domain.Ticket] = []
        folded: set[str] = set()
        for delivery, event in zip(deliveries, events, strict=True):
            try:
                if isinstance(event, LetterLinked | LetterRefused):
                    new = self._answer(current, event, alias, folded)
                else:
                    name = alias.get(event.ticket, event.ticket)
                    if name != event.ticket:
                        event = letters.redirected(event, current.get(name))
                    new = domain.decide(current.get(name), event, at=delivery.envelope.time)
            except domain.RefusedError as exc:
                results.append(Refused(str(exc)))
                continue
            if new is None:
                results.append(None)
                continue
            if domain.corrected(current.get(event.ticket), new) and self.corrections is not None:
                self.corrections.labels(app=event.source_app).inc()
            current[new.ticket] = new  # the next event of this ticket in the batch sees this state
            changed.append(new)
            results.append(Done(publish=[Envelope(domain.to_updated(new), source=self.source, subject=new.ticket)]))
        await store.delete_many(session, [name for name in folded if name in known])
        await store.save_many(session, known, [t for t in changed if t.ticket not in folded])
        return results

    @staticmethod
    def _answer(current: dict, event: LetterLinked | LetterRefused, alias: dict[str, str],
                folded: set[str]) -> domain.Ticket | None:
        """Si Makel's answer to a gate request: linked (its ticket's steps folded in) or refused."""
        ticket = current.get(event.ticket)
        if ticket is None or ticket.owner is None:
            raise domain.RefusedError(f"{event.ticket[:80]} is no letter requested at the gate")
        if ticket.source_app != event.source_app:
            raise domain.RefusedError(f"{event.ticket} was sent to {ticket.source_app!r}, not {event.source_app!r}")
        if isinstance(event, LetterRefused):
            return letters.refused(ticket, event)
        if ticket.legacy_ticket not in (None, event.legacy_ticket):
            raise domain.RefusedError(f"{event.ticket} is already filed as {ticket.legacy_ticket}")
        legacy = current.pop(event.legacy_ticket, None)
        if legacy is not None and legacy.owner is not None:
            raise domain.RefusedError(f"{event.legacy_ticket} is another gate request, not Si Makel's own ticket")
        alias[event.legacy_ticket] = event.ticket
        if legacy is not None:
            folded.add(event.legacy_ticket)
        return letters.linked(ticket, legacy, event)


def register(runtime: Runtime) -> Tracking:
    """Subscribe to both topics. Emergencies get a consumer and group of their own and the kit's critical
    polling: a backlog of letter requests, or a rebalance of their group, never stands in front of an incident."""
    tracking = Tracking(runtime.source, runtime.metrics.legacy_corrections)
    runtime.subscribe(SERVICE_REQUESTS, tracking.on_tracked)
    runtime.subscribe(EMERGENCY_INCIDENTS, tracking.on_tracked, group_id=f"{runtime.name}-emergency",
                      critical=True)
    return tracking
