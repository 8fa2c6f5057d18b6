"""What complaint-svc consumes: the intake topic (ComplaintSubmitted, ComplaintStatusChanged) of every channel."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintStatusChanged, ComplaintSubmitted
from palapa.contracts.topics import COMPLAINT_INTAKE
from palapa.kit.inbox import RejectedEventError
from palapa.kit.runtime import Runtime

from . import domain, store


class Intake:
    """Each intake event: domain decision → case row and timeline → ComplaintUpdated in the outbox, one transaction."""

    def __init__(self, runtime: Runtime, due_days: int) -> None:
        self.runtime = runtime
        self.due_days = due_days

    async def on_intake(self, session: AsyncSession, envelope: Envelope) -> None:
        """ComplaintSubmitted opens the case (or resyncs a known one); ComplaintStatusChanged moves it.

        The runtime hands over only the intake topic's event types; the domain refuses what cannot apply.
        """
        event: ComplaintSubmitted | ComplaintStatusChanged = envelope.data
        case = await store.get(session, event.ticket, for_update=True)
        try:
            new = domain.decide(case, event, at=envelope.time, due_days=self.due_days)
        except domain.RefusedError as exc:
            raise RejectedEventError(str(exc)) from exc
        if new is None:
            return
        await store.save(session, new, envelope.id)
        await self.runtime.outbox.add(
            session, Envelope(domain.to_updated(new), source=self.runtime.source, subject=new.ticket)
        )


def register(runtime: Runtime, due_days: int) -> Intake:
    """Subscribe complaint-svc to the intake topic."""
    intake = Intake(runtime, due_days)
    runtime.subscribe(COMPLAINT_INTAKE, intake.on_intake)
    return intake
