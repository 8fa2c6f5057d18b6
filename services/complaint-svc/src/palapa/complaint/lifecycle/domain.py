"""The complaint case (pure): opened by ComplaintSubmitted, moved through the canonical lifecycle by the
channels' events and the city's staff, re-routed, escalated; published as ComplaintUpdated v2."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from palapa.contracts.events import (
    CASE_STATUS_KIND,
    CASE_STATUS_LABELS,
    CaseStatus,
    ComplaintSubmittedV2,
    ComplaintUpdatedV2,
    SlaStage,
    StatusKind,
    TimelineEntryV2,
    is_ticket,
)

from ..routing.domain import TRIAGE_OPD, RoutingTable, route
from ..sla.domain import RUNNING
from .privacy import Reporter, confidentiality_of, reporter_of
from .transitions import is_open, refusal

__all__ = ["TRIAGE_OPD", "Case", "Policy", "RefusedError", "Reporter", "Step", "aware", "check_ticket",
           "confidentiality_of", "correct", "open_case", "reporter_of", "restarted", "route", "tidy", "to_updated"]

S = CaseStatus
#: Times a case can hold: far enough from datetime's year 1 and 9999 that a deadline or zone shift never overflows.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


class RefusedError(ValueError):
    """The event or command cannot apply to the case, ever (the message says why); never stored."""


@dataclass(frozen=True)
class Policy:
    """What decisions need from the city: its routing table and its working-day clock (`due(received, n)`)."""

    routing: RoutingTable
    due: Callable[[datetime, int], datetime]
    forward_days: int = 3
    follow_up_days: int = 5


@dataclass(frozen=True)
class Step:
    """One entry of the timeline: the status the case reached (or kept, with a note), when, and why."""

    status: CaseStatus
    at: datetime
    legacy_status: str | None = None
    note: str | None = None

    @property
    def label(self) -> str:
        return CASE_STATUS_LABELS[self.status]


@dataclass(frozen=True)
class Case:
    """One complaint, whatever channel it came through; revision counts its changes from 1."""

    ticket: str
    source_app: str
    source_ref: str
    opd: str
    category: str | None
    status: CaseStatus
    revision: int
    submitted_at: datetime
    updated_at: datetime
    due_at: datetime  # the follow-up deadline
    timeline: tuple[Step, ...]
    forward_due_at: datetime | None = None
    description: str | None = None
    kelurahan: str | None = None
    kecamatan: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    confidentiality: str = "public"
    escalation_level: int = 0
    escalated_to: str | None = None
    responsible: str | None = None
    duplicate_of: str | None = None
    possible_duplicate_of: str | None = None
    sla_round: int = 0
    linked_app: str | None = None  # the legacy app that holds a portal complaint's record (write-back)
    linked_ref: str | None = None  # the record's id there

    @property
    def status_label(self) -> str:
        return CASE_STATUS_LABELS[self.status]

    @property
    def kind(self) -> StatusKind:
        return CASE_STATUS_KIND[self.status]

    @property
    def closed(self) -> bool:
        return not is_open(self.status)

    @property
    def deadlines(self) -> dict[SlaStage, datetime]:
        out = {SlaStage.FOLLOW_UP: self.due_at}
        if self.forward_due_at is not None:
            out[SlaStage.FORWARD] = self.forward_due_at
        return out

    @property
    def current_due_at(self) -> datetime | None:
        """The deadline of the earliest clock still running (None once no clock runs)."""
        running = [d for stage, d in self.deadlines.items() if self.status in RUNNING[stage]]
        return min(running) if running else None


def is_overdue(case: Case, now: datetime) -> bool:
    """An open case past its follow-up deadline."""
    return not case.closed and now > case.due_at


def open_case(submitted: ComplaintSubmittedV2, *, policy: Policy) -> Case:
    """A new case at revision 1; the OPD the source app set wins over the routing table."""
    check_ticket(submitted.ticket)
    at = aware(submitted.submitted_at, "submitted_at")
    category = submitted.category.strip() if submitted.category and submitted.category.strip() else None
    rule = policy.routing.rule(category, submitted.kelurahan, submitted.kecamatan)
    opd = (submitted.opd or "").strip().upper() or (rule.opd if rule else TRIAGE_OPD)
    forward = (rule.forward_days if rule and rule.forward_days else None) or policy.forward_days
    follow_up = (rule.follow_up_days if rule and rule.follow_up_days else None) or policy.follow_up_days
    status = CaseStatus(submitted.status.value)  # the status the channel decided (v1 statuses are v2 statuses)
    anonymous = confidentiality_of(submitted.confidentiality) == "anonymous"
    return Case(
        ticket=submitted.ticket, source_app=submitted.source_app, source_ref=submitted.source_ref, opd=opd,
        category=category, status=status, revision=1, submitted_at=at, updated_at=at,
        due_at=_deadline(at, policy.due, follow_up), forward_due_at=_deadline(at, policy.due, forward),
        timeline=(Step(status, at, submitted.legacy_status),), description=submitted.description,
        kelurahan=tidy(submitted.kelurahan), kecamatan=tidy(submitted.kecamatan),
        latitude=submitted.latitude, longitude=submitted.longitude,
        confidentiality="anonymous" if anonymous else confidentiality_of(submitted.confidentiality),
    )


def move(case: Case, to: CaseStatus, at: datetime, *, policy: Policy, legacy_status: str | None = None,
         note: str | None = None, responsible: str | None = None, duplicate_of: str | None = None,
         opd: str | None = None) -> Case:
    """The case in status `to`; RefusedError when the lifecycle forbids it or a required detail is missing."""
    if (why := refusal(case.status, to)) is not None:
        raise RefusedError(f"{case.ticket}: {why}")
    note = tidy(note)
    changes: dict = {}
    if to is S.REJECTED and note is None:
        raise RefusedError(f"{case.ticket}: a rejection needs its reason")
    if to is S.NOT_OUR_REMIT:
        if not tidy(responsible):
            raise RefusedError(f"{case.ticket}: not our remit needs who is responsible")
        changes["responsible"] = tidy(responsible)
        note = note or f"Bukan kewenangan kami; yang berwenang: {changes['responsible']}"
    if to is S.DUPLICATE:
        if not duplicate_of or not is_ticket(duplicate_of) or duplicate_of == case.ticket:
            raise RefusedError(f"{case.ticket}: a duplicate names its original, another ticket")
        changes["duplicate_of"] = duplicate_of
        note = note or f"Duplikat dari {duplicate_of}"
    if to is S.DISPOSITIONED:
        changes["opd"] = (opd or "").strip().upper() or case.opd
        note = note or f"Diteruskan ke {changes['opd']}"
    if to is S.REOPENED:
        changes |= restarted(case, at, policy=policy)
    return _append(replace(case, status=to, **changes), Step(to, at, legacy_status, note))


def correct(case: Case, to: CaseStatus, at: datetime, *, source_app: str, policy: Policy,
            legacy_status: str | None = None, note: str | None = None) -> Case:
    """The case in the status its system of record set where the lifecycle would not let staff move it (issue 17:
    the legacy app is the truth): recorded, never refused, with a timeline entry saying what the app did.
    A fixed or closed case that the app opens again restarts its clocks as a reopened one does."""
    label = CASE_STATUS_LABELS[to]
    code = f"kode {legacy_status.strip()} ({label})" if tidy(legacy_status) else label
    text = "; ".join(t for t in (f"Dikoreksi di {source_app}: {code}", tidy(note)) if t)
    changes = restarted(case, at, policy=policy) if not is_open(case.status) and is_open(to) else {}
    return _append(replace(case, status=to, **changes), Step(to, at, legacy_status, text))


def restarted(case: Case, at: datetime, *, policy: Policy) -> dict:
    """What a case open again from `at` changes: both clocks start again, the escalation chain from the bottom."""
    return {"sla_round": case.sla_round + 1, "escalation_level": 0, "escalated_to": None,
            "forward_due_at": _deadline(at, policy.due, policy.forward_days),
            "due_at": _deadline(at, policy.due, policy.follow_up_days), "duplicate_of": None}


def note(case: Case, at: datetime, text: str, **changes) -> Case:
    """A timeline entry that keeps the status (re-routing, escalation), with the case's other changes."""
    return _append(replace(case, **changes), Step(case.status, at, None, text))


def recategorise(case: Case, category: str, at: datetime, *, policy: Policy) -> Case | None:
    """The case under another category, re-routed when the routing table names another OPD; None if unchanged."""
    category = tidy(category)
    if category is None:
        raise RefusedError(f"{case.ticket}: a category cannot be blank")
    if category == case.category:
        return None
    opd = policy.routing.route(category, case.kelurahan, case.kecamatan)
    if opd == case.opd:
        return note(case, at, f"Kategori diubah menjadi {category}", category=category)
    return note(case, at, f"Kategori diubah menjadi {category}; dialihkan dari {case.opd} ke {opd}",
                category=category, opd=opd)


def escalate(case: Case, at: datetime, level: int, to: str, stage: SlaStage) -> Case:
    """The case after a breach of `stage` at `level`: escalated up the chain, said in the timeline."""
    what = "penerusan ke OPD" if stage is SlaStage.FORWARD else "tindak lanjut"
    return note(case, at, f"Batas waktu {what} terlewati; dieskalasi ke {to}",
                escalation_level=max(case.escalation_level, level), escalated_to=to)


def to_updated(case: Case) -> ComplaintUpdatedV2:
    """The citizen-facing view of the case (no identity, no description), as published on the updates topic."""
    return ComplaintUpdatedV2(
        ticket=case.ticket, revision=case.revision, status=case.status, status_kind=case.kind,
        status_label=case.status_label, opd=case.opd, category=case.category, kelurahan=case.kelurahan,
        kecamatan=case.kecamatan, source_app=case.source_app, submitted_at=case.submitted_at,
        updated_at=case.updated_at, due_at=case.current_due_at, escalated_to=case.escalated_to,
        responsible=case.responsible, duplicate_of=case.duplicate_of,
        timeline=tuple(TimelineEntryV2(status=s.status, label=s.label, at=s.at, note=s.note) for s in case.timeline),
    )


def _append(case: Case, step: Step) -> Case:
    # never back in time: a source app's clock may lag the bridge's
    return replace(case, revision=case.revision + 1, updated_at=max(case.updated_at, step.at),
                   timeline=(*case.timeline, step))


def tidy(value: str | None) -> str | None:
    """The text with its whitespace collapsed; None when nothing is left."""
    text = " ".join((value or "").split())
    return text or None


def check_ticket(ticket: str) -> None:
    """RefusedError unless `ticket` is well formed."""
    if not is_ticket(ticket):
        raise RefusedError(f"malformed ticket {ticket!r}: expected A-Z, 0-9 and '-', 3 to 64 characters")


def aware(value: datetime, name: str) -> datetime:
    """`value` when it is an aware time a case can hold, else RefusedError saying why."""
    # A time without zone is ambiguous (the legacy apps store local time): refuse rather than guess.
    if value.tzinfo is None or value.utcoffset() is None:
        raise RefusedError(f"{name} has no time zone: {value.isoformat()}")
    if not EARLIEST <= value < LATEST:
        raise RefusedError(
            f"{name} {value.isoformat()} is out of range: a case holds times from {EARLIEST.year} to {LATEST.year}")
    return value


def _deadline(at: datetime, due: Callable[[datetime, int], datetime], days: int) -> datetime:
    try:
        deadline = due(at, days)
    except (OverflowError, ValueError) as exc:  # e.g. a deadline past datetime.max: `at` is already in range
        raise RefusedError(f"no deadline for a case received at {at.isoformat()}: {exc}") from exc
    if deadline.tzinfo is None or deadline <= at:
        raise RefusedError(f"deadline {deadline.isoformat()} is not an aware time after {at.isoformat()}")
    return deadline
