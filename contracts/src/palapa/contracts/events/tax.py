"""Tax (pilot apps, issue 9): PBB bills by NOP as BPKPD's exports and payments show them."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import ClassVar

from pydantic import Field

from .base import DAY_MS, Event, Topic

__all__ = ["NOP_PATTERN", "TaxBill", "TaxBillChanged", "TaxBillIssued", "TaxBillPaid", "TAX_BILLS"]


#: NOP: the 18-digit tax object number, kept canonical as digits only (35.76.010.001.002-0123.0 → 357601000100201230).
NOP_PATTERN = re.compile(r"^[0-9]{18}$")


class TaxBill(Event):
    """Fields every tax-bill event shares (not an event itself)."""

    nop: str = Field(pattern=NOP_PATTERN.pattern, description="18 digits, no dots or dashes")
    year: int = Field(ge=1900, le=2200)
    amount_due: int = Field(ge=0, description="Rupiah")
    due_date: date
    paid: bool = False
    source_app: str = Field(min_length=1)


class TaxBillIssued(TaxBill):
    """A PBB bill appeared in the BPKPD export for the first time."""

    event_type: ClassVar[str] = "palapa.tax.bill_issued.v1"
    version: ClassVar[int] = 1

    issued_at: datetime


class TaxBillChanged(TaxBill):
    """A PBB bill's amount, due date or payment differs from the previous export."""

    event_type: ClassVar[str] = "palapa.tax.bill_changed.v1"
    version: ClassVar[int] = 1

    changed: tuple[str, ...] = Field(default=(), description="Names of the fields that changed")
    changed_at: datetime


class TaxBillPaid(Event):
    """A PBB bill was paid (seen in the payments table, or marked paid in an export)."""

    event_type: ClassVar[str] = "palapa.tax.bill_paid.v1"
    version: ClassVar[int] = 1

    nop: str = Field(pattern=NOP_PATTERN.pattern)
    year: int = Field(ge=1900, le=2200)
    amount_paid: int | None = Field(default=None, ge=0)
    source_app: str = Field(min_length=1)
    paid_at: datetime


# --- The topics these events travel on ----------------------------------------------------------------------

TAX_BILLS = Topic(
    name="palapa.tax.bills.v1",
    partitions=4,
    key="nop",
    events=(TaxBillIssued, TaxBillChanged, TaxBillPaid),
    config={"cleanup.policy": "delete", "retention.ms": str(90 * DAY_MS)},
)

#: The topics declared here, each with its events: palapa.contracts.topics gathers every domain's.
TOPICS = (TAX_BILLS,)
