"""Pure translation of BPKPD's PBB export: a line → a bill (or the reason it is refused), and a bill against the
last one seen → the changes to announce. No I/O: stdlib and the app's own reading of its values
(`palapa.pbb_legacy.codes`).

The export (see legacy.py for the columns): semicolon-separated, Latin-1, one bill per line,
`NOP;THN_PAJAK;NM_WP;ALAMAT_OP;KELURAHAN;LUAS_BUMI;LUAS_BNG;PBB_TERHUTANG;TGL_JATUH_TEMPO;STATUS_BAYAR;TGL_BAYAR`.
- NOP as typed: `35.76.010.001.002-0123.0`, `357601000100201230`, with spaces; canonical = its 18 digits.
- Amounts in whole rupiah with Indonesian thousands dots (`1.250.000`), maybe `Rp` before and `,00` after.
- Dates `dd-mm-yyyy` (also `dd/mm/yyyy`); a blank or `-` payment date means none.
- STATUS_BAYAR `LUNAS` (paid) or `BELUM`/blank/`-` (not paid), any case.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

# what the app's words and spellings mean: one reading, shared with ./palapa reconcile (re-exported here)
from palapa.pbb_legacy.codes import (  # noqa: F401
    BLANK,
    EARLIEST_YEAR,
    LATEST_YEAR,
    MAX_AMOUNT,
    BillError,
    canonical_nop,
    paid_of,
    parse_amount,
    parse_date,
    plausible_due,
)

COLUMNS = ("NOP", "THN_PAJAK", "NM_WP", "ALAMAT_OP", "KELURAHAN", "LUAS_BUMI", "LUAS_BNG", "PBB_TERHUTANG",
           "TGL_JATUH_TEMPO", "STATUS_BAYAR", "TGL_BAYAR")
#: the columns that may hold the taxpayer's personal data (masked before a quarantine leaves the bridge)
PERSONAL = ("NM_WP", "ALAMAT_OP")


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
    if not plausible_due(year, due):
        return RefusedLine(line, "TGL_JATUH_TEMPO is implausibly far from the tax year")
    paid = paid_of(fields[9])
    if paid is None:
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
