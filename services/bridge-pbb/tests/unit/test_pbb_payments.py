"""A payment row's translation refuses values that cannot be true, with the reason."""

from datetime import UTC, datetime

import pytest

from palapa.bridge_pbb import payments
from palapa.bridge_pbb.legacy import Payment
from palapa.contracts.events import TaxBillPaid
from palapa.kit.clock import zone

WIB = zone("Asia/Jakarta")
NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
PAID = Payment(1, "35.76.010.001.001-0001.0", 2026, 125_000, datetime(2026, 11, 26, 9, 0), datetime(2026, 11, 26, 9, 1))


def test_a_plain_payment_announces_the_bill_paid():
    assert isinstance(payments.translate(PAID, "pbb", WIB, NOW), TaxBillPaid)


@pytest.mark.parametrize(("change", "reason"), [
    ({"jml_bayar": -125_000}, "jml_bayar is negative or implausibly large"),
    ({"tgl_pembayaran": datetime(1, 1, 1)}, "tgl_pembayaran is implausible (before 1990 or in the future)"),
    ({"tgl_pembayaran": datetime(9999, 12, 31)}, "tgl_pembayaran is implausible (before 1990 or in the future)"),
])
def test_a_negative_amount_or_a_date_in_year_one_or_9999_is_refused_with_the_reason(change, reason):
    assert payments.translate(Payment(**{**PAID.__dict__, **change}), "pbb", WIB, NOW) == reason
