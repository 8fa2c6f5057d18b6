"""What taxbill-svc consumes: palapa.tax.bills.v1 (TaxBillIssued, TaxBillChanged, TaxBillPaid) in batches; each
followed NOP's new view goes to its followers' streams (FollowedBillUpdated on palapa.citizen.bills.v1)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.envelope import Envelope
from palapa.contracts.topics import TAX_BILLS
from palapa.kit.consumer import Delivery
from palapa.kit.runtime import Runtime
from palapa.kit.uow import Done

from . import domain, store


class TaxBills:
    def __init__(self, source: str) -> None:
        self.source = source

    async def on_tax_bills(self, session: AsyncSession, deliveries: Sequence[Delivery]) -> list[Done]:
        """Apply the batch's events in order to the bills they name, then write each bill once; a followed NOP's
        newest bill is published once per follow, with the batch's last event."""
        events = [d.envelope.data for d in deliveries]
        bills = await store.get_many(session, ((e.nop, e.year) for e in events))
        for delivery, event in zip(deliveries, events, strict=True):
            key = (event.nop, event.year)
            bills[key] = domain.apply(bills.get(key), event, delivery.envelope.time)
        touched = {(e.nop, e.year) for e in events}
        await store.save_many(session, (bills[k] for k in touched))
        follows = await store.next_views(session, {nop for nop, _ in touched})
        newest = {nop: await store.find(session, nop, None) for nop in sorted({nop for _, nop, _ in follows})}
        views = [Envelope(domain.followed_view(ticket, revision, nop, newest[nop], deliveries[-1].envelope.time),
                          source=self.source, subject=ticket) for ticket, nop, revision in follows]
        return [Done() for _ in deliveries[:-1]] + [Done(publish=tuple(views))]


def register(runtime: Runtime) -> None:
    runtime.subscribe(TAX_BILLS, TaxBills(runtime.source).on_tax_bills)
