"""The citizen's look-up: GET /tax-bills/{nop}?year= — amount, due date, paid or not (no taxpayer data)."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter
from pydantic import BaseModel

from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

from . import domain, store

EARLIEST_YEAR, LATEST_YEAR = 1990, 2100


class TaxBillRead(BaseModel):
    nop: str
    nop_formatted: str
    year: int
    amount_due: int | None
    due_date: date | None
    paid: bool
    status_label: str
    paid_at: datetime | None
    updated_at: datetime


def tax_bills_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["tax bills"])

    @router.get("/tax-bills/{nop}", response_model=TaxBillRead,
                responses={400: {"description": "malformed_nop / malformed_year"},
                           404: {"description": "unknown_bill"}})
    async def read_tax_bill(nop: str, year: str | None = None):
        """One PBB bill by NOP (18 digits, or with dots/dash/spaces) and tax year (the newest when omitted)."""
        canonical = domain.canonical_nop(nop)
        if canonical is None:
            return refusal(400, "malformed_nop",
                           "NOP tidak valid: tulis 18 digit, boleh dengan titik dan tanda hubung "
                           "(contoh 35.76.010.001.002-0123.0)")
        wanted: int | None = None
        if year is not None:
            text = year.strip()
            if not (text.isascii() and text.isdigit() and len(text) == 4 and EARLIEST_YEAR <= int(text) <= LATEST_YEAR):
                return refusal(400, "malformed_year",
                               f"Tahun pajak tidak valid: tulis empat digit antara {EARLIEST_YEAR} dan {LATEST_YEAR}")
            wanted = int(text)
        async with runtime.sessions() as session:
            bill = await store.find(session, canonical, wanted)
        if bill is None:
            when = f" tahun {wanted}" if wanted else ""
            return refusal(404, "unknown_bill",
                           f"Tagihan PBB untuk NOP {domain.dotted(canonical)}{when} tidak ditemukan")
        return TaxBillRead(nop=bill.nop, nop_formatted=domain.dotted(bill.nop), year=bill.year,
                           amount_due=bill.amount_due, due_date=bill.due_date, paid=bill.paid,
                           status_label=bill.status_label, paid_at=bill.paid_at, updated_at=bill.updated_at)

    return router
