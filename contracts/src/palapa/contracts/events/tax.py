"""Tax (pilot apps, issue 9): PBB bills by NOP as BPKPD's exports and payments show them."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import ClassVar

from pydantic import Field

from .base import DAY_MS, Event, Topic

__all__ = ["NOP_PATTERN", "dotted_nop", "TaxBill", "TaxBillChanged", "TaxBillIssued", "TaxBillPaid",
           "TaxBillReminderDue", "TAX_BILLS", "TAX_REMINDERS"]


#: NOP: the 18-digit tax object number, kept canonical as digits only (35.76.010.001.002-0123.0 → 357601000100201230).
NOP_PATTERN = re.compile(r"^[0-9]{18}$")


def dotted_nop(nop: str) -> str:
    """357601000100201230 → 35.76.010.001.002-0123.0 (the way the SPPT prints it)."""
    return f"{nop[0:2]}.{nop[2:4]}.{nop[4:7]}.{nop[7:10]}.{nop[10:13]}-{nop[13:17]}.{nop[17]}"


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


class TaxBillReminderDue(Event):
    """taxbill-svc decided that a follower of a NOP is to be reminded of its unpaid bill, due within a week
    (issue 19, "a tax bill due in 7 days"): once per bill and follower, whatever restarts. notify-svc messages the
    phone the account was made from; the event names the account, never the number."""

    event_type: ClassVar[str] = "palapa.tax.bill_reminder_due.v1"
    version: ClassVar[int] = 1

    nop: str = Field(pattern=NOP_PATTERN.pattern)
    year: int = Field(ge=1900, le=2200)
    amount_due: int | None = Field(default=None, ge=0, description="Rupiah")
    due_date: date
    account: str = Field(pattern=r"^warga-[0-9a-f]{32}$",
                         description="The follower's phone account at the gate (warga- and the keyed hash of the "
                                     "number, palapa.contracts.phone), never the number")
    decided_at: datetime


# --- The topics these events travel on ----------------------------------------------------------------------

TAX_BILLS = Topic(
    name="palapa.tax.bills.v1",
    partitions=4,
    key="nop",
    events=(TaxBillIssued, TaxBillChanged, TaxBillPaid),
    config={"cleanup.policy": "delete", "retention.ms": str(90 * DAY_MS)},
)

#: Reminders taxbill-svc decided, for notify-svc (keyed by NOP, like the bills).
TAX_REMINDERS = Topic(
    name="palapa.tax.reminders.v1",
    partitions=4,
    key="nop",
    events=(TaxBillReminderDue,),
    config={"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)},
)

#: The topics declared here, each with its events: palapa.contracts.topics gathers every domain's.
TOPICS = (TAX_BILLS, TAX_REMINDERS)
