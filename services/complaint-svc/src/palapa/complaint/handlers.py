"""What complaint-svc consumes: the intake topic (ComplaintSubmitted, ComplaintStatusChanged v2, ComplaintLinked)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.envelope import Envelope
from palapa.contracts.topics import COMPLAINT_INTAKE
from palapa.kit.consumer import Delivery
from palapa.kit.runtime import Runtime
from palapa.kit.sealed import SealError
from palapa.kit.signing import app_of
from palapa.kit.uow import Done, Refused

from .cases import keys
from .identity import Keys
from .lifecycle import domain, duplicates, intake, store, writeback
from .routing.domain import normalise_category
from .routing.policy import Policies
from .sla import domain as sla


class Intake:
    """A batch of intake events: domain decisions in order → case rows and timelines → ComplaintUpdated each."""

    def __init__(self, source: str, policies: Policies, write_back_opds: tuple[str, ...] = (),
                 corrections=None, *, keys: Keys | None = None) -> None:
        self.source = source
        self.keys = keys or Keys.development()
        self.policies = policies
        self.write_back_opds = write_back_opds
        self.corrections = corrections  # the kit's palapa_legacy_corrections_total (labelled by app), if counted

    async def on_intake(self, session: AsyncSession, deliveries: Sequence[Delivery]) -> list[Done | Refused | None]:
        """ComplaintSubmitted opens a case (or resyncs a known one); ComplaintStatusChanged moves it as its system
        of record did, a move staff could not make counted as a correction. What can never apply (an unknown ticket,
        another app's case) is refused with the reason (dead-lettered, never stored): the stream goes on.
        """
        policy, calendar = await self.policies.current(session)
        events: list[intake.IntakeEvent] = [d.envelope.data for d in deliveries]
        cases = await store.get_many(session, [e.ticket for e in events], for_update=True)
        results: list[Done | Refused | None] = []
        changes: list[tuple[domain.Case, str]] = []
        identities = []
        to_record: list[tuple[list[Envelope], domain.Case]] = []
        # a case filed here has a capability: its first update tells notify-svc the digest (never the key)
        access = await keys.hashes_of(session, [e.ticket for e in events if e.ticket not in cases])
        for delivery, event in zip(deliveries, events, strict=True):
            old = cases.get(event.ticket)
            try:
                intake.check_channel(event, delivery.producer, app_of(self.source))
                new = intake.decide(old, event, at=delivery.envelope.time, policy=policy)
                # who reported, opened once (a reporter that does not open is refused before anything is kept)
                said = self.keys.of_event(event) if old is None and new is not None else None
            except domain.RefusedError as exc:
                results.append(Refused(str(exc)))
                continue
            except SealError as exc:
                results.append(Refused(f"{event.ticket}: reporter_sealed {exc}"))
                continue
            if new is None:
                results.append(None)
                continue
            if intake.corrected(old, new) and self.corrections is not None:
                self.corrections.labels(app=event.source_app).inc()
            if old is None:
                new = await self._flag_duplicate(session, new, cases.values())
                if (who := domain.reporter_of(event, said)) is not None:
                    identities.append((new.ticket, who))
            cases[new.ticket] = new  # the next event of this ticket in the batch sees this state
            changes.append((new, delivery.envelope.id))
            updated = domain.to_updated(new)
            if old is None and new.ticket in access:
                updated = updated.model_copy(update={"access_hash": access[new.ticket]})
            publish = [Envelope(updated, source=self.source, subject=new.ticket)]
            if old is None and writeback.wanted(new, self.write_back_opds):
                to_record.append((publish, new))  # the command joins the case's own outbox rows
            results.append(Done(publish=publish))
        now = datetime.now(UTC)
        checks = {c.ticket: sla.first_check(sla.plan(c.status, c.opd, c.deadlines, calendar), now)
                  for c, _ in changes}
        await store.save_many(session, changes, checks)
        await store.save_reporters(session, identities, self.keys)
        if to_record:
            contacts = await writeback.contacts(session, [case.ticket for _, case in to_record], self.keys)
            for publish, case in to_record:
                command = writeback.command(case, contacts.get(case.ticket), self.keys)
                publish.append(Envelope(command, source=self.source, subject=case.ticket))
        return results

    async def _flag_duplicate(self, session: AsyncSession, case: domain.Case, batch) -> domain.Case:
        key = normalise_category(case.category)
        if key is None or not duplicates.has_place(case):
            return case  # nothing to compare: no query
        since = case.submitted_at - duplicates.WITHIN
        near = await store.open_near(session, key, since, case.submitted_at, case.kelurahan, case.ticket)
        original = duplicates.original_of(case, [*near, *batch])  # the batch's cases are not stored yet
        return case if original is None else replace(case, possible_duplicate_of=original)


def register(runtime: Runtime, policies: Policies, keys: Keys, write_back_opds: tuple[str, ...] = ()) -> Intake:
    """Subscribe complaint-svc to the intake topic."""
    handler = Intake(runtime.source, policies, write_back_opds, runtime.metrics.legacy_corrections, keys=keys)
    runtime.subscribe(COMPLAINT_INTAKE, handler.on_intake)
    return handler
