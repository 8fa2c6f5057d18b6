"""The export's lines as BPKPD writes them → bills or the reason they are refused; bills against the last ones →
changes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from palapa.bridge_pbb.privacy import mask_fields
from palapa.bridge_pbb.translate import (
    Bill,
    Known,
    RefusedLine,
    canonical_nop,
    diff,
    line_fields,
    parse_amount,
    parse_line,
)

FIXTURE = Path(__file__).with_name("pbb_export_20261125.csv")


def read_fixture():
    raw_lines = FIXTURE.read_bytes().split(b"\r\n")
    return [parse_line(n, raw) for n, raw in enumerate(raw_lines, 1)]


def test_the_recorded_export_gives_its_bills_with_canonical_nops_amounts_and_dates():
    bills = [r for r in read_fixture() if isinstance(r, Bill)]
    assert bills[0] == Bill(2, "357601000100201230", 2026, 1_250_000, date(2026, 8, 31), False, None)
    assert bills[1] == Bill(3, "357601000100201240", 2026, 850_000, date(2026, 8, 31), True, date(2026, 7, 15))
    assert bills[2] == Bill(4, "357601000100201250", 2026, 75_000, date(2026, 8, 31), False, None)  # ',00', '/', blanks
    # bills[3]: spaces, 'lunas'
    assert bills[3].nop == "357601000100201260" and bills[3].paid and bills[3].amount_due == 4_049_000
    assert bills[4] == bills[0]._replace(line=6)  # the duplicated row
    assert bills[-1].amount_due == 500_000 and not bills[-1].paid  # '-' everywhere else


def test_every_broken_line_is_refused_with_its_line_number_and_reason():
    refused = {r.line: r.reason for r in read_fixture() if isinstance(r, RefusedLine)}
    assert refused == {
        8: "expected 11 semicolon-separated columns, found 9",
        9: "NOP is not 18 digits (with or without dots and dash)",
        10: "PBB_TERHUTANG not a number",
        11: "TGL_JATUH_TEMPO no such day",
        12: "expected 11 semicolon-separated columns, found 12",
        13: "STATUS_BAYAR is neither LUNAS nor BELUM",
        14: "THN_PAJAK is not a year between 1990 and 2100",
        15: "PBB_TERHUTANG thousands dots in the wrong places",
        16: "TGL_BAYAR no such day",
    }


def test_the_header_and_blank_lines_are_skipped():
    results = read_fixture()
    assert results[0] is None and results[6] is None


def test_nops_in_any_common_spelling_have_the_same_canonical_form():
    for spelling in ("35.76.010.001.002-0123.0", "357601000100201230", " 35 76 010 001 002 0123 0 ",
                     "35.76.010.001.002.0123.0"):
        assert canonical_nop(spelling) == "357601000100201230"
    for wrong in ("35.76.010.001.002-0123", "3576010001002012300", "35.76.O10.001.002-0123.0", "",
                  "٣٥٧٦٠١٠٠٠١٠٠٢٠١٢٣٠"):
        assert canonical_nop(wrong) is None


def test_amounts_are_read_as_whole_rupiah():
    assert parse_amount(b"1.250.000") == 1_250_000
    assert parse_amount(b"Rp 1.250.000,00") == 1_250_000
    assert parse_amount(b"999") == 999
    for bad in (b"1.250.000,50", b"-5.000", b"", b"1,250,000", b"9" * 20):
        try:
            parse_amount(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_a_new_bill_is_issued_a_changed_one_names_its_fields_and_a_payment_is_announced_once():
    bill = Bill(2, "357601000100201230", 2026, 1_250_000, date(2026, 8, 31), False, None)
    assert diff(None, bill) == (True, (), False)
    known = Known(1_250_000, date(2026, 8, 31), False)
    assert diff(known, bill) == (False, (), False)
    assert diff(known, bill._replace(amount_due=1_300_000)) == (False, ("amount_due",), False)
    assert diff(known, bill._replace(amount_due=1, due_date=date(2026, 9, 30))) == (False, ("amount_due", "due_date"),
                                                                                     False)
    assert diff(known, bill._replace(paid=True)) == (False, (), True)
    assert diff(known._replace(paid=True), bill._replace(paid=True)) == (False, (), False)


def test_an_export_older_than_a_payment_does_not_unpay_the_bill():
    known = Known(1_250_000, date(2026, 8, 31), True)
    bill = Bill(2, "357601000100201230", 2026, 1_250_000, date(2026, 8, 31), False, None)
    assert diff(known, bill) == (False, (), False)


def test_a_quarantined_line_shows_no_taxpayer_name_or_address():
    raw = FIXTURE.read_bytes().split(b"\r\n")[11]  # 'ENDANG;WAHYUNI': the name spilled into the address column
    masked = mask_fields(line_fields(raw))
    text = repr(masked)
    assert "ENDANG" not in text and "WAHYUNI" not in text and "MERAPI" not in text
    ok = mask_fields(line_fields(FIXTURE.read_bytes().split(b"\r\n")[8]))
    assert ok["NM_WP"] == "A*** S****" and ok["ALAMAT_OP"] == "J** M***** 2" and ok["NOP"] == "35.76.0A0.001.002-0128.0"
