"""taxbill-svc's handler on a real PostgreSQL, without a broker: bills issued, changed and paid, in any order."""

from datetime import UTC, date, datetime, timedelta

import pytest

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import TaxBillChanged, TaxBillIssued, TaxBillPaid
from palapa.kit.consumer import Delivery
from palapa.kit.uow import Done
from palapa.taxbill import store, tables
from palapa.taxbill.handlers import TaxBills
from palapa.testkit import migrated_session

pytestmark = pytest.mark.integration

on_tax_bills = TaxBills("/services/taxbill-svc").on_tax_bills
NOP = "357601000100201230"
AT = datetime(2026, 11, 25, 17, tzinfo=UTC)
DUE = date(2026, 8, 31)


@pytest.fixture
async def session(database_url):
    async with migrated_session(database_url, tables.metadata) as s:
        yield s


def delivery(event, minutes=0) -> Delivery:
    return Delivery(Envelope(event, source="/apps/cek-pbb", subject=event.nop, time=AT + timedelta(minutes=minutes)),
                    {})


def issued(year=2026, amount=1_250_000, paid=False) -> Delivery:
    return delivery(TaxBillIssued(nop=NOP, year=year, amount_due=amount, due_date=date(year, 8, 31), paid=paid,
                                  source_app="cek-pbb", issued_at=AT))


def changed(amount, minutes=1) -> Delivery:
    return delivery(TaxBillChanged(nop=NOP, year=2026, amount_due=amount, due_date=DUE, source_app="cek-pbb",
                                   changed=("amount_due",), changed_at=AT), minutes)


def paid(minutes=2) -> Delivery:
    return delivery(TaxBillPaid(nop=NOP, year=2026, amount_paid=1_300_000, source_app="cek-pbb",
                                paid_at=AT + timedelta(minutes=minutes)), minutes)


async def test_an_issued_bill_is_stored_per_nop_and_year_and_nothing_is_published(session):
    results = await on_tax_bills(session, [issued(2025, 1_100_000, paid=True), issued(2026)])
    assert results == [Done(), Done()]
    old, new = await store.find(session, NOP, 2025), await store.find(session, NOP, None)
    assert (old.amount_due, old.paid) == (1_100_000, True)
    assert (new.year, new.amount_due, new.due_date, new.paid, new.updated_at) == (2026, 1_250_000, DUE, False, AT)


async def test_a_changed_bill_takes_the_new_amount_and_a_payment_marks_it_paid(session):
    await on_tax_bills(session, [issued()])
    await on_tax_bills(session, [changed(1_300_000)])
    assert (await store.find(session, NOP, 2026)).amount_due == 1_300_000
    await on_tax_bills(session, [paid()])
    bill = await store.find(session, NOP, 2026)
    assert (bill.amount_due, bill.paid, bill.paid_at) == (1_300_000, True, AT + timedelta(minutes=2))
    assert bill.status_label == "Lunas"


async def test_a_payment_seen_before_its_bill_is_kept_and_the_bill_never_turns_unpaid(session):
    await on_tax_bills(session, [paid()])
    early = await store.find(session, NOP, 2026)
    assert (early.amount_due, early.due_date, early.paid) == (None, None, True)
    await on_tax_bills(session, [issued(paid=False)])
    bill = await store.find(session, NOP, 2026)
    assert (bill.amount_due, bill.paid, bill.paid_at) == (1_250_000, True, AT + timedelta(minutes=2))


async def test_a_batch_applies_its_events_in_order_to_one_bill(session):
    results = await on_tax_bills(session, [issued(), changed(1_300_000), paid(), changed(1_400_000, minutes=3)])
    assert results == [Done()] * 4
    bill = await store.find(session, NOP, 2026)
    assert (bill.amount_due, bill.paid, bill.updated_at) == (1_400_000, True, AT + timedelta(minutes=3))


async def test_the_same_event_again_leaves_the_bill_as_it_was(session):
    await on_tax_bills(session, [issued(), changed(1_300_000)])
    before = await store.find(session, NOP, 2026)
    await on_tax_bills(session, [changed(1_300_000)])
    assert await store.find(session, NOP, 2026) == before
