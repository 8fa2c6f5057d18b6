"""The tax-bill reminder (issue 19, "a tax bill due in 7 days"): a periodic pass, safe across restarts and replicas.

Each pass finds the unpaid bills due within the window (domain.reminder_window) that a phone account follows and
has not been reminded of, records the reminder (nop, year, account: a reminder already recorded changes nothing)
and publishes TaxBillReminderDue through the outbox in the same transaction, so each is decided once. notify-svc
sends the message through its usual pipeline (preferences, quiet hours, caps), keyed by the same triple.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import and_, select
from sqlalchemy.dialects.postgresql import insert

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import TaxBillReminderDue
from palapa.kit.loops import Backoff, Outage, pause
from palapa.kit.runtime import Runtime

from . import domain
from .store import bill_of
from .tables import registrations, reminders, tax_bills

log = logging.getLogger(__name__)


class Reminders:
    def __init__(self, runtime: Runtime, days: int = 7, *, clock: Callable[[], datetime] | None = None) -> None:
        self.runtime, self.days = runtime, days
        self.clock = clock or (lambda: datetime.now(UTC))

    async def remind_once(self, limit: int = 500) -> int:
        """One pass; the number of reminders decided (a full batch: call again)."""
        now = self.clock()
        window = domain.reminder_window(now, self.days)
        b, r, done = tax_bills, registrations, reminders
        query = (
            select(b, r.c.account)
            .join(r, r.c.nop == b.c.nop)
            .outerjoin(done, and_(done.c.nop == b.c.nop, done.c.year == b.c.year, done.c.account == r.c.account))
            .where(b.c.paid.is_(False), b.c.due_date.between(*window), done.c.nop.is_(None),
                   r.c.account.startswith(domain.PHONE_ACCOUNT))
            .order_by(b.c.due_date, b.c.nop, r.c.account)
            .limit(limit)
        )
        decided = 0
        async with self.runtime.transaction() as tx:
            for row in (await tx.session.execute(query)).all():
                bill = bill_of(row)
                if not domain.wants_reminder(bill, row.account, window):
                    continue
                fresh = await tx.session.scalar(
                    insert(done).values(nop=bill.nop, year=bill.year, account=row.account, due_date=bill.due_date,
                                        decided_at=now).on_conflict_do_nothing().returning(done.c.nop))
                if fresh is None:  # another replica decided it a moment ago
                    continue
                event = TaxBillReminderDue(nop=bill.nop, year=bill.year, amount_due=bill.amount_due,
                                           due_date=bill.due_date, account=row.account, decided_at=now)
                tx.publish(Envelope(event, source=self.runtime.source, subject=bill.nop))
                decided += 1
        return decided

    async def run(self, every_s: float, stop: asyncio.Event) -> None:
        """A pass every `every_s` seconds until stopped; an outage is logged once and retried with backoff."""
        outage, backoff = Outage("taxbill-svc reminders", log), Backoff(first=min(every_s, 5), cap=60)
        while not stop.is_set():
            try:
                while await self.remind_once() > 0:
                    pass  # a backlog (e.g. the first pass): go on at once
                outage.recovered()
                backoff.reset()
                wait = every_s
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                outage.failed(exc)
                wait = backoff.next()
            if await pause(stop, wait):
                return
