"""Pure translation of BPKPD's PBB export: a line → a bill (or the reason it is refused), and a bill against the
last one seen → the changes to announce. No I/O; stdlib only.

The export (see legacy.py for the columns): semicolon-separated, Latin-1, one bill per line,
`NOP;THN_PAJAK;NM_WP;ALAMAT_OP;KELURAHAN;LUAS_BUMI;LUAS_BNG;PBB_TERHUTANG;TGL_JATUH_TEMPO;STATUS_BAYAR;TGL_BAYAR`.
- NOP as typed: `35.76.010.001.002-0123.0`, `357601000100201230`, with spaces; canonical = its 18 digits.
- Amounts in whole rupiah with Indonesian thousands dots (`1.250.000`), maybe `Rp` before and `,00` after.
- Dates `dd-mm-yyyy` (also `dd/mm/yyyy`); a blank or `-` payment date means none.
- STATUS_BAYAR `LUNAS` (paid) or `BELUM`/blank/`-` (not paid), any case.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

COLUMNS = ("NOP", "THN_PAJAK", "NM_WP", "ALAMAT_OP", "KELURAHAN", "LUAS_BUMI", "LUAS_BNG", "PBB_TERHUTANG",
           "TGL_JATUH_TEMPO", "STATUS_BAYAR", "TGL_BAYAR")
#: the columns that may hold the taxpayer's personal data (masked before a quarantine leaves the bridge)
PERSONAL = ("NM_WP", "ALAMAT_OP")
PAID = {b"LUNAS", b"L", b"SUDAH", b"SUDAH BAYAR", b"1", b"Y"}
UNPAID = {b"BELUM", b"BELUM BAYAR", b"B", b"0", b"N", b"-", b""}
BLANK = {b"", b"-", b"--"}
NOP_PUNCTUATION = b".- "
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100
PLAIN_AMOUNT = re.compile(rb" *(?:[Rr][Pp] *)?(\d{1,3}(?:\.\d{3})*|\d+)(?:,0+)? *")
MAX_AMOUNT = 10**13  # Rp 10 trillion: larger is a typo (and beyond what a bill can be)


class Bill(NamedTuple):
    """One line of the export, read: `line` is its 1-based number in the file."""

    line: int
    nop: str
    year: int
    amount_due: int
    due_date: date
    paid: bool
    paid_on: date | None


class RefusedLine(NamedTuple):
    """A line that is no bill: its number and why."""

    line: int
    reason: str


class BillError(ValueError):
    """Why a field cannot be read."""


def canonical_nop(text: str | bytes) -> str | None:
    """The 18 digits of a NOP in any common spelling (dots, dash, spaces), or None when it is not one."""
    raw = text.encode("latin-1", "replace") if isinstance(text, str) else text
    digits = raw.strip().translate(None, NOP_PUNCTUATION)
    return digits.decode() if len(digits) == 18 and digits.isdigit() else None


def parse_amount(raw: bytes) -> int:
    """`1.250.000`, `Rp 1.250.000`, `1.250.000,00` or `1250000` → 1250000 (whole rupiah)."""
    plain = PLAIN_AMOUNT.fullmatch(raw)
    if plain is not None:  # the common shapes, in one match (a generator per line cost an eighth of an import)
        value = int(plain.group(1).replace(b".", b""))
        if value > MAX_AMOUNT:
            raise BillError("implausibly large")
        return value
    text = raw.strip()
    if text[:2].upper() == b"RP":
        text = text[2:].strip()
    if b"," in text:
        text, _, cents = text.partition(b",")
        if cents.strip(b"0"):
            raise BillError("has cents")
    if b"." in text:
        groups = text.split(b".")
        if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            raise BillError("thousands dots in the wrong places")
        text = b"".join(groups)
    if not text.isdigit():
        raise BillError("not a number")
    value = int(text)
    if value > MAX_AMOUNT:
        raise BillError("implausibly large")
    return value


def parse_date(raw: bytes) -> date:
    """`31-08-2026` or `31/08/2026` → date(2026, 8, 31)."""
    text = raw.strip()
    parts = text.split(b"-") if b"-" in text else text.split(b"/")
    if len(parts) != 3 or len(parts[2]) != 4 or not all(p.isdigit() for p in parts):
        raise BillError("not dd-mm-yyyy")
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError as exc:
        raise BillError("no such day") from exc


def parse_line(line: int, raw: bytes) -> Bill | RefusedLine | None:
    """A bill, the reason it is refused, or None for a line to skip (blank, or the header)."""
    if not raw.strip():
        return None
    fields = raw.split(b";")
    if len(fields) != len(COLUMNS):
        return RefusedLine(line, f"expected {len(COLUMNS)} semicolon-separated columns, found {len(fields)}")
    if fields[0].strip().upper() == b"NOP":
        return None
    nop = canonical_nop(fields[0])
    if nop is None:
        return RefusedLine(line, "NOP is not 18 digits (with or without dots and dash)")
    year_raw = fields[1].strip()
    if not year_raw.isdigit() or not EARLIEST_YEAR <= int(year_raw) <= LATEST_YEAR:
        return RefusedLine(line, f"THN_PAJAK is not a year between {EARLIEST_YEAR} and {LATEST_YEAR}")
    year = int(year_raw)
    try:
        amount = parse_amount(fields[7])
    except BillError as exc:
        return RefusedLine(line, f"PBB_TERHUTANG {exc}")
    try:
        due = parse_date(fields[8])
    except BillError as exc:
        return RefusedLine(line, f"TGL_JATUH_TEMPO {exc}")
    if not year - 1 <= due.year <= year + 5:
        return RefusedLine(line, "TGL_JATUH_TEMPO is implausibly far from the tax year")
    status = b" ".join(fields[9].split()).upper()
    if status in PAID:
        paid = True
    elif status in UNPAID:
        paid = False
    else:
        return RefusedLine(line, "STATUS_BAYAR is neither LUNAS nor BELUM")
    paid_on = None
    if fields[10].strip() not in BLANK:
        try:
            paid_on = parse_date(fields[10])
        except BillError as exc:
            return RefusedLine(line, f"TGL_BAYAR {exc}")
    return Bill(line, nop, year, amount, due, paid, paid_on)


def line_fields(raw: bytes) -> dict[str, str | None]:
    """A refused line as named columns (Latin-1 text), for the quarantine; extra or missing columns kept apart."""
    fields = raw.decode("latin-1").split(";")
    named: dict[str, str | None] = dict(zip(COLUMNS, fields, strict=False))
    if len(fields) > len(COLUMNS):
        named["_extra"] = ";".join(fields[len(COLUMNS):])
    return named


class Known(NamedTuple):
    """What the bridge last announced for a bill."""

    amount_due: int
    due_date: date
    paid: bool


class Changes(NamedTuple):
    """What a line means against what was known: issued, the changed field names, paid now."""

    issued: bool
    changed: tuple[str, ...]
    paid: bool


def diff(known: Known | None, bill: Bill) -> Changes:
    """The changes to announce. Paid never goes back: an export made before a payment the payments table
    already showed (or a payment the export has not caught up with) does not unpay a bill."""
    if known is None:
        return Changes(True, (), False)
    changed = tuple(name for name, old, new in (("amount_due", known.amount_due, bill.amount_due),
                                                ("due_date", known.due_date, bill.due_date)) if old != new)
    return Changes(False, changed, bill.paid and not known.paid)
