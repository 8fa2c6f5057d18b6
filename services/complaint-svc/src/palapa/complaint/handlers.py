"""What complaint-svc consumes: the intake topic (ComplaintSubmitted, ComplaintStatusChanged) of every channel."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintStatusChanged, ComplaintSubmitted
from palapa.contracts.topics import COMPLAINT_INTAKE
from palapa.kit.consumer import Delivery
from palapa.kit.runtime import Runtime
from palapa.kit.uow import Done, Refused

from . import domain, store


class Intake:
    """A batch of intake events: domain decisions in order → case rows and timelines → ComplaintUpdated each."""

    def __init__(self, source: str, due: domain.Due) -> None:
        self.source = source
        self.due = due

    async def on_intake(self, session: AsyncSession, deliveries: Sequence[Delivery]) -> list[Done | Refused | None]:
        """ComplaintSubmitted opens a case (or resyncs a known one); ComplaintStatusChanged moves it.

        The kit hands over only the intake topic's event types; the domain refuses what cannot apply.
        """
        events: list[ComplaintSubmitted | ComplaintStatusChanged] = [d.envelope.data for d in deliveries]
        cases = await store.get_many(session, [e.ticket for e in events], for_update=True)
        results: list[Done | Refused | None] = []
        changes: list[tuple[domain.Case, str]] = []
        for delivery, event in zip(deliveries, events, strict=True):
            try:
                new = domain.decide(cases.get(event.ticket), event, at=delivery.envelope.time, due=self.due)
            except domain.RefusedError as exc:
                results.append(Refused(str(exc)))
                continue
            if new is None:
                results.append(None)
                continue
            cases[new.ticket] = new  # the next event of this ticket in the batch sees this state
            changes.append((new, delivery.envelope.id))
            results.append(Done(publish=[Envelope(domain.to_updated(new), source=self.source, subject=new.ticket)]))
        await store.save_many(session, changes)
        return results


def register(runtime: Runtime, due: domain.Due) -> Intake:
    """Subscribe complaint-svc to the intake topic."""
    intake = Intake(runtime.source, due)
    runtime.subscribe(COMPLAINT_INTAKE, intake.on_intake)
    return intake
