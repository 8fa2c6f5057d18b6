"""What BPKPD's export writes means: its payment words, amounts and NOPs, read once."""

from datetime import date

import pytest

from palapa.pbb_legacy.codes import BillError, canonical_nop, paid_of, parse_amount, parse_date, plausible_due
from palapa.pbb_legacy.export import dotted, nop_digits, thousands


def test_the_payment_words_mean_paid_or_unpaid_and_any_other_word_neither():
    assert all(paid_of(w) for w in (b"LUNAS", b" lunas ", b"Sudah  Bayar"))
    assert not any(paid_of(w) for w in (b"BELUM", b"-", b"", b"belum bayar"))
    assert paid_of(b"DICICIL") is None


def test_the_export_writes_nops_and_amounts_the_reading_gives_back():
    nop = nop_digits(1234)
    assert canonical_nop(dotted(nop)) == canonical_nop(nop) == nop
    assert parse_amount(thousands(1_250_000).encode()) == parse_amount(b"Rp 1.250.000,00") == 1_250_000
    with pytest.raises(BillError):
        parse_amount(b"1.25O.000")
    with pytest.raises(BillError):
        parse_date(b"31-02-2026")
    assert parse_date(b"31/08/2026") == date(2026, 8, 31) and plausible_due(2026, date(2026, 8, 31))
    assert not plausible_due(2026, date(2040, 1, 1))
