"""What notify-svc consumes: complaint views (ComplaintUpdated v2; v1 records upcast) and tracked tickets' views
(TicketUpdated: letter requests and incidents), each stored once per (ticket, revision), then pushed live on the
ticket's one stream; a fresh view may also message the ticket's citizen. Its messages consumer reads complaints
as submitted (the reporter's contact, the first message) and the SLA clock (staff warnings and escalations)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintUpdatedV2, FollowedBillUpdated, TicketUpdated
from palapa.contracts.topics import (
    CITIZEN_BILLS,
    CITIZEN_CASES,
    COMPLAINT_INTAKE,
    COMPLAINT_SLA,
    COMPLAINT_UPDATES,
    TAX_REMINDERS,
    TICKET_UPDATES,
)
from palapa.kit.consumer import Delivery
from palapa.kit.runtime import Runtime
from palapa.kit.uow import Done, Refused

from . import citizens, store
from .domain import BILL_EVENT_NAME, EVENT_NAME, TICKET_EVENT_NAME, Update
from .fanout import Fanout
from .hub import Hub
from .messages.consume import MessageEvents


class ViewUpdates:
    """Store a batch of updates in the inbox transaction and announce the fresh ones to the other replicas (their
    hubs push them: fanout.py); after commit, hand the fresh ones to this replica's hub."""

    def __init__(self, hub: Hub, event: str = EVENT_NAME, messages: MessageEvents | None = None,
                 fanout: Fanout | None = None) -> None:
        self.hub = hub
        self.fanout = fanout
        self.event = event  # the SSE event name of this topic's view
        self.messages = messages

    async def on_updated(self, session: AsyncSession, deliveries: Sequence[Delivery]) -> list[Done]:
        """Each update stored is the result for the hub; None for a revision stored before (e.g. re-published
        under a new event id)."""
        updates, digests = [], {}
        for d in deliveries:
            # the only type on its topic (the kit checks): ComplaintUpdated v2 (v1 upcast), TicketUpdated, or
            # FollowedBillUpdated
            event: ComplaintUpdatedV2 | TicketUpdated | FollowedBillUpdated = d.envelope.data
            if (digest := getattr(event, "access_hash", None)) is not None:
                digests.setdefault(event.ticket, digest)  # who may follow it: kept apart, never in the view
            # carry the consumer's span context, so the SSE push joins the same trace
            updates.append(Update(event.ticket, event.revision, event.model_dump(mode="json", exclude={"access_hash"}),
                                  d.trace_context, self.event))
        await store.add_access(session, digests)
        fresh = await store.add_updates(session, [(u, d.envelope.id) for u, d in zip(updates, deliveries, strict=True)])
        results = []
        for u, d in zip(updates, deliveries, strict=True):
            new = (u.ticket, u.revision) in fresh
            fresh.discard((u.ticket, u.revision))  # a second copy in the batch is not new
            if new and self.messages is not None:
                await self.messages.on_view(session, d.envelope.data)
            results.append(Done(result=u if new else None))
        # an owned case's fresh views also go on its owner's feed (citizens.py), pushed along with the view
        fed = iter(await citizens.feed_views(session, [r.result for r in results if r.result is not None]))
        by_view: dict[tuple[str, int], list[Update]] = {}
        for entry in fed:
            by_view.setdefault((entry.data.get("ticket"), entry.data.get("revision")), []).append(entry)
        results = [Done(result=replace(r.result, feed=tuple(by_view.get((r.result.ticket, r.result.revision), ()))))
                   if r.result is not None else r for r in results]
        if self.fanout is not None:
            fresh_views = [r.result for r in results if r.result is not None]
            await self.fanout.announce(session, [*fresh_views, *(e for v in fresh_views for e in v.feed)])
        return results

    def after_commit(self, envelope: Envelope, update: Update | None) -> None:
        if update is not None:  # a duplicate revision was pushed once already
            self.hub.publish(update)
            for entry in update.feed:
                self.hub.publish(entry)


class FollowedCases:
    """CaseFollowed through citizens.Followers; its feed entries announced to the replicas, pushed after commit."""

    def __init__(self, hub: Hub, fanout: Fanout | None = None) -> None:
        self.hub, self.fanout, self.followers = hub, fanout, citizens.Followers()

    async def on_followed(self, session: AsyncSession, deliveries: Sequence[Delivery]) -> list[Done | Refused]:
        results = await self.followers.on_followed(session, deliveries)
        if self.fanout is not None:
            await self.fanout.announce(session, [e for r in results if isinstance(r, Done) for e in r.result or ()])
        return results

    def after_commit(self, envelope: Envelope, entries: tuple[Update, ...] | None) -> None:
        for entry in entries or ():
            self.hub.publish(entry)


def register(runtime: Runtime, hub: Hub, messages: MessageEvents | None = None,
             fanout: Fanout | None = None) -> ViewUpdates:
    """Subscribe notify-svc to the complaint updates and the ticket updates topics. Ticket updates carry
    emergencies: a consumer and group of their own, with the kit's critical polling. With `messages`, also the
    intake and SLA topics (one consumer, a group of its own) for the messages they cause."""
    complaints = ViewUpdates(hub, messages=messages, fanout=fanout)
    runtime.subscribe(COMPLAINT_UPDATES, complaints.on_updated, after_commit=complaints.after_commit)
    if messages is not None:
        runtime.subscribe((COMPLAINT_INTAKE, COMPLAINT_SLA, TAX_REMINDERS), messages.on_events,
                          group_id=f"{runtime.name}-messages")
    tickets = ViewUpdates(hub, TICKET_EVENT_NAME, messages=messages, fanout=fanout)
    runtime.subscribe(TICKET_UPDATES, tickets.on_updated, after_commit=tickets.after_commit,
                      group_id=f"{runtime.name}-tickets", critical=True)
    followed = FollowedCases(hub, fanout)
    runtime.subscribe(CITIZEN_CASES, followed.on_followed, after_commit=followed.after_commit,
                      group_id=f"{runtime.name}-citizens")
    # followed PBB bills: stored like a ticket's views, so they reach their follower's feed (citizens.py) only
    bills = ViewUpdates(hub, BILL_EVENT_NAME, fanout=fanout)
    runtime.subscribe(CITIZEN_BILLS, bills.on_updated, after_commit=bills.after_commit,
                      group_id=f"{runtime.name}-bills")
    return complaints
