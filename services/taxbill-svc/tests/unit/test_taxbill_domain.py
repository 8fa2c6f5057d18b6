"""The tax-bill view kept from the bill events (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from palapa.contracts.events import TaxBillChanged, TaxBillIssued, TaxBillPaid
from palapa.taxbill.domain import TaxBill, apply, canonical_nop, dotted, reminder_window, wants_reminder

NOP = "357601000100201230"
AT = datetime(2026, 11, 25, 17, tzinfo=UTC)


def issued(**kw):
    return TaxBillIssued(**{"nop": NOP, "year": 2026, "amount_due": 1_250_000, "due_date": date(2026, 8, 31),
                            "source_app": "cek-pbb", "issued_at": AT, **kw})


def test_a_nop_is_found_in_any_common_spelling_and_shown_as_the_sppt_prints_it():
    for spelling in ("35.76.010.001.002-0123.0", NOP, "35 76 010 001 002 0123 0", " 35.76.010.001.002.0123.0 "):
        assert canonical_nop(spelling) == NOP
    for wrong in ("35.76.010.001.002-0123", "٣٥٧٦٠١٠٠٠١٠٠٢٠١٢٣٠", "35.76.O10.001.002-0123.0", "", "x" * 18):
        assert canonical_nop(wrong) is None
    assert dotted(NOP) == "35.76.010.001.002-0123.0"


def test_issued_then_changed_then_paid():
    bill = apply(None, issued(), AT)
    assert (bill.amount_due, bill.paid, bill.status_label) == (1_250_000, False, "Belum lunas")
    bill = apply(bill, TaxBillChanged(nop=NOP, year=2026, amount_due=1_300_000, due_date=date(2026, 9, 30),
                                      source_app="cek-pbb", changed=("amount_due",), changed_at=AT), AT)
    assert (bill.amount_due, bill.due_date) == (1_300_000, date(2026, 9, 30))
    bill = apply(bill, TaxBillPaid(nop=NOP, year=2026, amount_paid=1_300_000, source_app="cek-pbb", paid_at=AT), AT)
    assert bill.paid and bill.paid_at == AT and bill.status_label == "Lunas"


def test_a_payment_before_the_export_is_kept_and_a_later_unpaid_export_does_not_unpay_it():
    bill = apply(None, TaxBillPaid(nop=NOP, year=2026, source_app="cek-pbb", paid_at=AT), AT)
    assert bill.paid and bill.amount_due is None
    bill = apply(bill, issued(paid=False), AT)
    assert bill.paid and bill.paid_at == AT and bill.amount_due == 1_250_000


# --- the reminder of a bill due within a week (issue 19) ---------------------------------------------------------

PHONE_FOLLOWER = "warga-" + "0f" * 16


def _bill(due, paid=False):
    return TaxBill("357601000100201230", 2026, 125_000, due, paid, None, datetime(2026, 12, 1, tzinfo=UTC))


def test_the_reminder_window_is_today_to_a_week_later_in_wib():
    late_utc = datetime(2026, 12, 6, 18, 30, tzinfo=UTC)  # already 7 December 01:30 in Mojokerto
    assert reminder_window(late_utc, 7) == (date(2026, 12, 7), date(2026, 12, 14))


@pytest.mark.parametrize(("due", "paid", "account", "wanted"), [
    (date(2026, 12, 14), False, PHONE_FOLLOWER, True),   # due in 7 days
    (date(2026, 12, 7), False, PHONE_FOLLOWER, True),    # due today: a missed pass still reminds
    (date(2026, 12, 15), False, PHONE_FOLLOWER, False),  # too early
    (date(2026, 12, 6), False, PHONE_FOLLOWER, False),   # overdue: a due-soon reminder is too late
    (date(2026, 12, 10), True, PHONE_FOLLOWER, False),   # paid
    (None, False, PHONE_FOLLOWER, False),                # no due date known (only a payment seen)
    (date(2026, 12, 10), False, "inapas-3576", False),   # not a phone account: nobody to message
    (date(2026, 12, 10), False, "warga-siti", False),    # not a phone account's shape
])
def test_a_follower_is_reminded_of_an_unpaid_bill_due_within_the_week_only(due, paid, account, wanted):
    window = (date(2026, 12, 7), date(2026, 12, 14))
    assert wants_reminder(_bill(due, paid), account, window) is wanted
