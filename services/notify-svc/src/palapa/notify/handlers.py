"""What notify-svc consumes: ComplaintUpdated (v2; v1 upcast), stored once per (ticket, revision), then pushed live."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintUpdatedV2
from palapa.contracts.topics import COMPLAINT_UPDATES
from palapa.kit.consumer import Delivery
from palapa.kit.runtime import Runtime
from palapa.kit.uow import Done

from . import store
from .domain import Update
from .hub import Hub


class ComplaintUpdates:
    """Store a batch of updates in the inbox transaction; after commit, hand the fresh ones to the hub."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def on_complaint_updated(self, session: AsyncSession, deliveries: Sequence[Delivery]) -> list[Done]:
        """Each update stored is the result for the hub; None for a revision stored before (e.g. re-published
        under a new event id)."""
        updates = []
        for d in deliveries:
            event: ComplaintUpdatedV2 = d.envelope.data  # v1 records arrive upcast to v2 (contracts.envelope)
            # carry the consumer's span context, so the SSE push joins the same trace
            updates.append(Update(event.ticket, event.revision, event.model_dump(mode="json"), d.trace_context))
        fresh = await store.add_updates(session, [(u, d.envelope.id) for u, d in zip(updates, deliveries, strict=True)])
        results = []
        for u in updates:
            new = (u.ticket, u.revision) in fresh
            fresh.discard((u.ticket, u.revision))  # a second copy in the batch is not new
            results.append(Done(result=u if new else None))
        return results

    def after_commit(self, envelope: Envelope, update: Update | None) -> None:
        if update is not None:  # a duplicate revision was pushed once already
            self.hub.publish(update)


def register(runtime: Runtime, hub: Hub) -> ComplaintUpdates:
    """Subscribe notify-svc to the complaint updates topic."""
    handlers = ComplaintUpdates(hub)
    runtime.subscribe(COMPLAINT_UPDATES, handlers.on_complaint_updated, after_commit=handlers.after_commit)
    return handlers
