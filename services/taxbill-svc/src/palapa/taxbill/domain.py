"""The tax-bill view (pure): a bill per (NOP, year) as the citizen sees it, kept from the bill events."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from palapa.contracts.events import TaxBillChanged, TaxBillIssued, TaxBillPaid, dotted_nop
from palapa.contracts.phone import ACCOUNT_PREFIX, hash_of_account

_WIB = ZoneInfo("Asia/Jakarta")

NOP_PUNCTUATION = str.maketrans("", "", ".- ")


def canonical_nop(text: str) -> str | None:
    """The 18 digits of a NOP as people write it (`35.76.010.001.002-0123.0`, with spaces, or plain), else None."""
    digits = text.strip().translate(NOP_PUNCTUATION)
    return digits if len(digits) == 18 and digits.isascii() and digits.isdigit() else None


dotted = dotted_nop  # 357601000100201230 → 35.76.010.001.002-0123.0 (the way the SPPT prints it)


@dataclass(frozen=True)
class TaxBill:
    nop: str
    year: int
    amount_due: int | None  # None while only a payment is known (the export not seen yet)
    due_date: date | None
    paid: bool
    paid_at: datetime | None
    updated_at: datetime

    @property
    def status_label(self) -> str:
        return "Lunas" if self.paid else "Belum lunas"


Event = TaxBillIssued | TaxBillChanged | TaxBillPaid


def apply(bill: TaxBill | None, event: Event, at: datetime) -> TaxBill:
    """The bill after `event`. Paid never goes back (a payment seen before the export that shows it)."""
    if isinstance(event, TaxBillPaid):
        if bill is None:
            return TaxBill(event.nop, event.year, None, None, True, event.paid_at, at)
        return replace(bill, paid=True, paid_at=bill.paid_at or event.paid_at, updated_at=at)
    paid = event.paid or (bill is not None and bill.paid)
    paid_at = bill.paid_at if bill is not None else None
    return TaxBill(event.nop, event.year, event.amount_due, event.due_date, paid, paid_at, at)


#: only a phone account can be messaged: the gate made it from the number (palapa.contracts.phone)
PHONE_ACCOUNT = ACCOUNT_PREFIX


def today_wib(now: datetime) -> date:
    """The date in Kota Mojokerto (WIB) at an aware `now`: "due in 7 days" is counted in its days."""
    return now.astimezone(_WIB).date()


def reminder_window(now: datetime, days: int) -> tuple[date, date]:
    """The due dates a reminder is for at `now`: from today (WIB) to `days` days later. A pass missed for a few
    days (a restart, an outage) still reminds before the due date, never after it."""
    today = today_wib(now)
    return today, today + timedelta(days=days)


def wants_reminder(bill: TaxBill, account: str, window: tuple[date, date]) -> bool:
    """An unpaid bill due within the window, followed by a phone account."""
    first, last = window
    return (not bill.paid and bill.due_date is not None and first <= bill.due_date <= last
            and hash_of_account(account) is not None)
