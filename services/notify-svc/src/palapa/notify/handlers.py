"""What notify-svc consumes: ComplaintUpdated, stored once per (ticket, revision), then pushed live."""

from __future__ import annotations

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintUpdated
from palapa.contracts.topics import COMPLAINT_UPDATES
from palapa.kit.runtime import Runtime
from palapa.kit.telemetry import current_traceparent

from . import store
from .domain import Update
from .hub import Hub


class ComplaintUpdates:
    """Store each update in the inbox transaction; after commit, hand the fresh ones to the hub."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def on_complaint_updated(self, session, envelope: Envelope) -> Update | None:
        """The stored update, or None for a duplicate revision (e.g. re-published under a new event id)."""
        event: ComplaintUpdated = envelope.data  # the only type on its topic (the runtime checks)
        # The current span here is the consumer's: carry it so the SSE push joins the same trace.
        update = Update(event.ticket, event.revision, event.model_dump(mode="json"), current_traceparent())
        return update if await store.add_update(session, update, envelope.id) else None

    def after_commit(self, envelope: Envelope, update: Update | None) -> None:
        if update is not None:  # a duplicate revision was pushed once already
            self.hub.publish(update)


def register(runtime: Runtime, hub: Hub) -> ComplaintUpdates:
    """Subscribe notify-svc to the complaint updates topic."""
    handlers = ComplaintUpdates(hub)
    runtime.subscribe(COMPLAINT_UPDATES, handlers.on_complaint_updated, after_commit=handlers.after_commit)
    return handlers
