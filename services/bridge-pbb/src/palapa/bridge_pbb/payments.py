"""Pure translation of a payment row (pembayaran_sppt) → TaxBillPaid, or the reason it cannot be one."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from palapa.bridgekit.protocol import as_utc
from palapa.bridgekit.protocol import fingerprint as row_fingerprint
from palapa.contracts.events import TaxBillPaid

from .legacy import Payment
from .translate import EARLIEST_YEAR, LATEST_YEAR, MAX_AMOUNT, canonical_nop


def fingerprint(p: Payment) -> str:
    return row_fingerprint(p.as_strings(), "repr-items")


def translate(p: Payment, app_id: str, tz: tzinfo, now: datetime) -> TaxBillPaid | str:
    """The TaxBillPaid a payment announces, or the reason (text) it cannot: a bad NOP, year, amount or date."""
    nop = canonical_nop(p.nop or "")
    if nop is None:
        return "nop is not 18 digits (with or without dots and dash)"
    if p.thn_pajak_sppt is None or not EARLIEST_YEAR <= p.thn_pajak_sppt <= LATEST_YEAR:
        return f"thn_pajak_sppt is not a year between {EARLIEST_YEAR} and {LATEST_YEAR}"
    if p.jml_bayar is not None and not 0 <= p.jml_bayar <= MAX_AMOUNT:
        return "jml_bayar is negative or implausibly large"
    paid_local = p.tgl_pembayaran or p.tgl_rekam
    if paid_local.year < EARLIEST_YEAR or paid_local.year > LATEST_YEAR:  # before converting: year 1 overflows
        return "tgl_pembayaran is implausible (before 1990 or in the future)"
    paid_at = as_utc(paid_local, tz)
    if paid_at.year < EARLIEST_YEAR or paid_at > now + timedelta(days=1):
        return "tgl_pembayaran is implausible (before 1990 or in the future)"
    return TaxBillPaid(nop=nop, year=p.thn_pajak_sppt, amount_paid=p.jml_bayar, source_app=app_id, paid_at=paid_at)
