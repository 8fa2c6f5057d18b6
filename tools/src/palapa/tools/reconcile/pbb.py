"""Cek PBB: BPKPD's payments table and its last export file ↔ taxbill-svc's bills.

What the export's values mean is read with the app's own reading (`palapa.pbb_legacy.codes`), the one bridge-pbb
parses with: every bill of the last export the bridge would take has a bill in taxbill-svc with the same amount due;
a bill is paid when the export says so (LUNAS, …) or BPKPD's payments table records a payment for it, and unpaid
otherwise (paid never goes back in the bridge, so a bill the app unpaid again shows as a difference). A line the
bridge refuses (a NOP with a letter, an amount with an O, 31 February, …) is not counted: it is in the quarantine.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from palapa.pbb_legacy.codes import (
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
from palapa.pbb_legacy.payments import pembayaran_sppt

from .difference import Comparison

APP = "cek-pbb"
COLUMNS = 11  # NOP;THN_PAJAK;NM_WP;ALAMAT_OP;KELURAHAN;LUAS_BUMI;LUAS_BNG;PBB_TERHUTANG;TGL_JATUH_TEMPO;STATUS_BAYAR;…


class Exported(NamedTuple):
    """What one line of the export says of its bill."""

    amount_due: int
    paid: bool
    status: str  # STATUS_BAYAR as written, for the reason


def nop_key(typed: str | None) -> str | None:
    """A NOP as its 18 digits when it is written one of the ways BPKPD writes it, else None."""
    return canonical_nop(typed) if typed else None


def read_line(raw: bytes) -> tuple[tuple[str, int], Exported] | None:
    """A line's bill as the bridge would take it ((NOP, year) and what it says), None when the bridge would refuse
    or skip it."""
    cols = raw.rstrip(b"\r\n").split(b";")
    if len(cols) != COLUMNS or (nop := canonical_nop(cols[0])) is None:
        return None
    year = cols[1].strip()
    if not year.isdigit() or not EARLIEST_YEAR <= int(year) <= LATEST_YEAR:
        return None
    try:
        amount, due = parse_amount(cols[7]), parse_date(cols[8])
    except BillError:
        return None
    paid = paid_of(cols[9])
    if paid is None or not plausible_due(int(year), due):
        return None
    return (nop, int(year)), Exported(amount, paid, cols[9].strip().decode("latin-1"))


def export_bills(path: Path) -> dict[tuple[str, int], Exported]:
    """(NOP, year) → what the export says, for every line the bridge takes (Latin-1, `;`-separated, a header)."""
    bills = {}
    with path.open("rb") as lines:
        next(lines, None)
        for line in lines:
            if (read := read_line(line)) is not None:
                bills[read[0]] = read[1]
    return bills


def last_export(folder: Path) -> Path | None:
    files = [p for p in folder.glob("*.csv") if p.is_file()] if folder.is_dir() else []  # bridge-pbb's pattern
    return max(files, key=lambda p: (p.stat().st_mtime, p.name), default=None)


def judge(exported: dict[tuple[str, int], Exported], payments: set[tuple[str, int]],
          bills: dict[tuple[str, int], dict], export_name: str | None) -> Comparison:
    """The export's bills and the recorded payments against taxbill-svc's bills (pure)."""
    out = Comparison(APP, records=len(exported) + len(payments))
    for (nop, year), said in sorted(exported.items()):
        key, bill = f"{nop}/{year}", bills.get((nop, year))
        if bill is None:
            out.add(key, "lost", f"in the export {export_name} but not in taxbill-svc")
            continue
        if bill["amount_due"] != said.amount_due:
            out.add(key, "mismatched", f"the export {export_name} says Rp {said.amount_due:,} due, "
                                       f"taxbill-svc has Rp {bill['amount_due']:,}")
        said_as = f"the export {export_name} says {said.status or 'blank'!r}"
        if said.paid and not bill["paid"]:
            out.add(key, "mismatched", f"{said_as} (paid); taxbill-svc shows it unpaid")
        elif not said.paid and bill["paid"] and (nop, year) not in payments:
            out.add(key, "mismatched", f"{said_as} (unpaid) and no payment is recorded; taxbill-svc shows it paid")
    for key in sorted(payments):
        bill = bills.get(key)
        if bill is not None and not bill["paid"] and not (key in exported and exported[key].paid):
            out.add(f"{key[0]}/{key[1]}", "mismatched", "BPKPD recorded a payment; taxbill-svc shows it unpaid")
    out.observed = (len(bills), sum(1 for b in bills.values() if b["paid"]),
                    sum(b["amount_due"] or 0 for b in bills.values()))
    return out


async def paid_bills(engine: AsyncEngine) -> set[tuple[str, int]]:
    """(NOP, year) of every payment in the payments table the bridge would take (a NOP, a year and an amount it
    reads, paid in a plausible year)."""
    t = pembayaran_sppt
    async with engine.connect() as conn:
        rows = await conn.execute(select(t.c.nop, t.c.thn_pajak_sppt, t.c.jml_bayar, t.c.tgl_pembayaran, t.c.tgl_rekam))
        return {(nop, r.thn_pajak_sppt) for r in rows if (nop := nop_key(r.nop)) and _payable(r)}


def _payable(r) -> bool:
    paid_on = r.tgl_pembayaran or r.tgl_rekam
    return (r.thn_pajak_sppt is not None and EARLIEST_YEAR <= r.thn_pajak_sppt <= LATEST_YEAR
            and (r.jml_bayar is None or 0 <= r.jml_bayar <= MAX_AMOUNT)
            and paid_on is not None and EARLIEST_YEAR <= paid_on.year <= LATEST_YEAR)
