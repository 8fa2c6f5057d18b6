"""What BPKPD's PBB export writes means (the legacy truth), pure: stdlib only.

The one reading of its values: bridge-pbb parses every export line with it, and `./palapa reconcile` compares
taxbill-svc's bills with it (amount due, paid or not).
- NOP as typed: `35.76.010.001.002-0123.0`, `357601000100201230`, with spaces; canonical = its 18 digits.
- Amounts in whole rupiah with Indonesian thousands dots (`1.250.000`), maybe `Rp` before and `,00` after.
- Dates `dd-mm-yyyy` (also `dd/mm/yyyy`); a blank or `-` payment date means none.
- STATUS_BAYAR `LUNAS` (paid) or `BELUM`/blank/`-` (not paid), any case.
"""

from __future__ import annotations

import re
from datetime import date

PAID = {b"LUNAS", b"L", b"SUDAH", b"SUDAH BAYAR", b"1", b"Y"}
UNPAID = {b"BELUM", b"BELUM BAYAR", b"B", b"0", b"N", b"-", b""}
BLANK = {b"", b"-", b"--"}
NOP_PUNCTUATION = b".- "
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100
PLAIN_AMOUNT = re.compile(rb" *(?:[Rr][Pp] *)?(\d{1,3}(?:\.\d{3})*|\d+)(?:,0+)? *")
MAX_AMOUNT = 10**13  # Rp 10 trillion: larger is a typo (and beyond what a bill can be)


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


def paid_of(raw: bytes) -> bool | None:
    """Whether a STATUS_BAYAR word means paid (True) or not yet (False); None when it is neither."""
    status = b" ".join(raw.split()).upper()
    return True if status in PAID else False if status in UNPAID else None


def plausible_due(year: int, due: date) -> bool:
    """A due date BPKPD could set for a tax year: from the year before to five years after."""
    return year - 1 <= due.year <= year + 5
