"""What tracking-svc consumes: Si Makel's letter requests and PSC 119's incidents, each on a consumer of its own."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.envelope import Envelope
from palapa.contracts.topics import EMERGENCY_INCIDENTS, SERVICE_REQUESTS
from palapa.kit.consumer import Delivery
from palapa.kit.runtime import Runtime
from palapa.kit.uow import Done, Refused

from . import domain, store


class Tracking:
    """A batch of events: domain decisions in order → ticket rows → one TicketUpdated per change."""

    def __init__(self, source: str, corrections=None) -> None:
        self.source = source
        self.corrections = corrections  # the kit's palapa_legacy_corrections_total (labelled by app), if counted

    async def on_tracked(self, session: AsyncSession, deliveries: Sequence[Delivery]) -> list[Done | Refused | None]:
        """Any request or incident event: the kit hands over only its topic's event types."""
        events: list[domain.TrackedEvent] = [d.envelope.data for d in deliveries]
        current = await store.get_many(session, [e.ticket for e in events], for_update=True)
        known = set(current)
        results: list[Done | Refused | None] = []
        changed: list[domain.Ticket] = []
        for delivery, event in zip(deliveries, events, strict=True):
            try:
                new = domain.decide(current.get(event.ticket), event, at=delivery.envelope.time)
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
        await store.save_many(session, known, changed)
        return results


def register(runtime: Runtime) -> Tracking:
    """Subscribe to both topics. Emergencies get a consumer and group of their own and the kit's critical
    polling: a backlog of letter requests, or a rebalance of their group, never stands in front of an incident."""
    tracking = Tracking(runtime.source, runtime.metrics.legacy_corrections)
    runtime.subscribe(SERVICE_REQUESTS, tracking.on_tracked)
    runtime.subscribe(EMERGENCY_INCIDENTS, tracking.on_tracked, group_id=f"{runtime.name}-emergency",
                      critical=True)
    return tracking
