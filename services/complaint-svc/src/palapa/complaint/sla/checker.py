"""The deadline checker: a periodic pass over cases whose clocks are due, safe across restarts and replicas.

All its state is in PostgreSQL: `cases.sla_next_at` says when to look again, `sla_marks` holds what was emitted.
Each pass locks the due cases with FOR UPDATE SKIP LOCKED (replicas share the work, never a case), records
the marks (a mark already recorded changes nothing) and publishes SlaWarning / SlaBreached through the outbox
in the same transaction, with the case's escalation and its ComplaintUpdated: each is emitted once.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import SlaBreached, SlaWarning
from palapa.kit.loops import Backoff, Outage
from palapa.kit.runtime import Runtime

from ..lifecycle import domain, store
from ..routing.policy import Policies
from . import domain as sla
from . import store as sla_store

log = logging.getLogger(__name__)


class Checker:
    def __init__(self, runtime: Runtime, policies: Policies, *, clock: Callable[[], datetime] | None = None) -> None:
        self.runtime = runtime
        self.policies = policies
        self.clock = clock or (lambda: datetime.now(UTC))

    async def check_once(self, limit: int = 200) -> int:
        """One pass; returns the number of events emitted."""
        now = self.clock()
        emitted = 0
        breached: list[SlaBreached] = []
        async with self.runtime.transaction() as tx:
            _, calendar = await self.policies.current(tx.session)
            tickets = await sla_store.claim_due(tx.session, now, limit)
            cases = await store.get_many(tx.session, tickets)
            changed = []
            for ticket in tickets:
                case = cases[ticket]
                marks = sla.plan(case.status, case.opd, case.deadlines, calendar)
                due = sla.due_now(marks, now)
                fresh = await sla_store.add_marks(tx.session, ticket, case.sla_round, due, now)
                for mark in (m for m in due if m.key in fresh):
                    event = _event(case, mark, now)
                    tx.publish(Envelope(event, source=self.runtime.source, subject=ticket))
                    emitted += 1
                    if isinstance(event, SlaBreached):
                        breached.append(event)
                    if mark.level >= 1:  # each escalation is a timeline step of its own, and an update
                        case = domain.escalate(case, now, mark.level, mark.escalated_to, mark.stage)
                        changed.append((case, str(uuid.uuid4())))
                        tx.publish(Envelope(domain.to_updated(case), source=self.runtime.source, subject=ticket))
                await sla_store.set_next_check(tx.session, ticket, sla.next_check(marks, now))
            await store.save_many(tx.session, changed, {c.ticket: sla.next_check(
                sla.plan(c.status, c.opd, c.deadlines, calendar), now) for c, _ in changed})
        for event in breached:  # counted once committed: a pass that failed is done again and counted then
            self.runtime.metrics.sla_breaches.labels(opd=event.opd or "-", stage=str(event.stage)).inc()
        return emitted

    async def run(self, every_s: float, stop: asyncio.Event) -> None:
        """Check every `every_s` seconds until stopped; an outage is logged once and retried with backoff."""
        outage, backoff = Outage("complaint-svc deadline checker", log), Backoff(first=every_s, cap=60)
        while not stop.is_set():
            try:
                while await self.check_once():
                    pass  # a backlog (e.g. after downtime): go on at once
                outage.recovered()
                backoff.reset()
                wait = every_s
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                outage.failed(exc)
                wait = backoff.next()
            try:
                await asyncio.wait_for(stop.wait(), timeout=wait)
            except TimeoutError:
                pass


def _event(case: domain.Case, mark: sla.Mark, now: datetime) -> SlaWarning | SlaBreached:
    if mark.level == 0:
        return SlaWarning(ticket=case.ticket, opd=case.opd, stage=mark.stage, due_at=mark.due_at, at=now)
    return SlaBreached(ticket=case.ticket, opd=case.opd, stage=mark.stage, due_at=mark.due_at, level=mark.level,
                       escalated_to=mark.escalated_to, at=now)
