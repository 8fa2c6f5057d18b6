"""What taxbill-svc consumes: palapa.tax.bills.v1 (TaxBillIssued, TaxBillChanged, TaxBillPaid) in batches."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.topics import TAX_BILLS
from palapa.kit.consumer import Delivery
from palapa.kit.runtime import Runtime
from palapa.kit.uow import Done

from . import domain, store


async def on_tax_bills(session: AsyncSession, deliveries: Sequence[Delivery]) -> list[Done]:
    """Apply the batch's events in order to the bills they name, then write each bill once."""
    events = [d.envelope.data for d in deliveries]
    bills = await store.get_many(session, ((e.nop, e.year) for e in events))
    for delivery, event in zip(deliveries, events, strict=True):
        key = (event.nop, event.year)
        bills[key] = domain.apply(bills.get(key), event, delivery.envelope.time)
    touched = {(e.nop, e.year) for e in events}
    await store.save_many(session, (bills[k] for k in touched))
    return [Done() for _ in deliveries]


def register(runtime: Runtime) -> None:
    runtime.subscribe(TAX_BILLS, on_tax_bills)
