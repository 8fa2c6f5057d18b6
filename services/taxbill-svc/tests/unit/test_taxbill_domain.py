"""The tax-bill view kept from the bill events (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from palapa.contracts.events import TaxBillChanged, TaxBillIssued, TaxBillPaid
from palapa.taxbill.domain import apply, canonical_nop, dotted

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
