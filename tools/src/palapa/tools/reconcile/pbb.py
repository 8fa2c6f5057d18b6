"""Cek PBB: BPKPD's payments table and its last export file ↔ taxbill-svc's bills.

Only what needs none of bridge-pbb's parsing tables (amount spellings, paid/unpaid words, which live in the bridge):
every bill of the last export whose NOP and year are well formed has a bill in taxbill-svc, and every payment
recorded for such a bill shows that bill paid. A line the bridge refuses (a NOP with a letter, …) is not counted.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from palapa.pbb_legacy.payments import pembayaran_sppt

from .difference import Comparison

APP = "cek-pbb"
NOP = re.compile(r"^\d{2}\.?\d{2}\.?\d{3}\.?\d{3}\.?\d{3}-?\d{4}\.?\d$")


def nop_key(typed: str | None) -> str | None:
    """A NOP as its 18 digits when it is written one of the ways BPKPD writes it, else None."""
    text = (typed or "").strip()
    return re.sub(r"\D", "", text) if NOP.match(text) else None


def export_bills(path: Path) -> set[tuple[str, int]]:
    """(NOP, year) of every well-formed line of an export (Latin-1, `;`-separated, a header line)."""
    bills = set()
    with path.open(encoding="latin-1", newline="") as lines:
        next(lines, None)
        for line in lines:
            cols = line.rstrip("\r\n").split(";")
            if len(cols) == 11 and (nop := nop_key(cols[0])) and cols[1].strip().isdigit():
                bills.add((nop, int(cols[1])))
    return bills


def last_export(folder: Path) -> Path | None:
    files = [p for p in folder.glob("*.csv") if p.is_file()] if folder.is_dir() else []  # bridge-pbb's pattern
    return max(files, key=lambda p: (p.stat().st_mtime, p.name), default=None)


def judge(exported: set[tuple[str, int]], payments: set[tuple[str, int]], bills: dict[tuple[str, int], dict],
          export_name: str | None) -> Comparison:
    """The export's bills and the recorded payments against taxbill-svc's bills (pure)."""
    out = Comparison(APP, records=len(exported) + len(payments))
    for nop, year in sorted(exported - set(bills)):
        out.add(f"{nop}/{year}", "lost", f"in the export {export_name} but not in taxbill-svc")
    for key in sorted(payments):
        bill = bills.get(key)
        if bill is not None and not bill["paid"]:
            out.add(f"{key[0]}/{key[1]}", "mismatched", "BPKPD recorded a payment; taxbill-svc shows it unpaid")
    out.observed = (len(bills), sum(1 for b in bills.values() if b["paid"]))
    return out


async def paid_bills(engine: AsyncEngine) -> set[tuple[str, int]]:
    """(NOP, year) of every well-formed payment in the payments table."""
    t = pembayaran_sppt
    async with engine.connect() as conn:
        rows = await conn.execute(select(t.c.nop, t.c.thn_pajak_sppt))
        return {(nop, r.thn_pajak_sppt) for r in rows if (nop := nop_key(r.nop)) and r.thn_pajak_sppt}
