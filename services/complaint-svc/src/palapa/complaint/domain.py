"""The complaint case: opened by ComplaintSubmitted, moved by ComplaintStatusChanged (pure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from palapa.contracts.events import (
    STATUS_LABELS,
    ComplaintStatus,
    ComplaintStatusChanged,
    ComplaintSubmitted,
    ComplaintUpdated,
    TimelineEntry,
    is_ticket,
)

from .routing import TRIAGE_OPD, route

__all__ = ["TRIAGE_OPD", "Case", "Due", "RefusedError", "Step", "apply_change", "decide", "open_case", "route", "to_updated"]

#: A case in one of these statuses is closed: its OPD deadline no longer runs.
CLOSED = frozenset({ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED})
#: When a case received at a time must be answered (the service passes a working-day calendar's).
Due = Callable[[datetime], datetime]
#: Times a case can hold. Wide enough for any real complaint, far enough from datetime's year 1 and
#: year 9999 that a deadline or a time zone shift can never overflow (a legacy '9999-12-31' would).
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


class RefusedError(ValueError):
    """The event cannot apply to the case, ever (the message says why); the consumer dead-letters it."""


@dataclass(frozen=True)
class Step:
    """One entry of the timeline: a status the case reached, when, and the source app's own code."""

    status: ComplaintStatus
    at: datetime
    legacy_status: str | None = None

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class Case:
    """One complaint, whatever channel it came through; revision counts its changes from 1."""

    ticket: str
    source_app: str
    source_ref: str
    opd: str
    category: str | None
    status: ComplaintStatus
    revision: int
    submitted_at: datetime
    updated_at: datetime
    due_at: datetime
    timeline: tuple[Step, ...]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def closed(self) -> bool:
        return self.status in CLOSED


def is_overdue(case: Case, now: datetime) -> bool:
    """An open case past its OPD deadline."""
    return not case.closed and now > case.due_at


def open_case(submitted: ComplaintSubmitted, *, due: Due) -> Case:
    """A new case at revision 1; the OPD the source app set wins over routing by category."""
    _check_ticket(submitted.ticket)
    at = _aware(submitted.submitted_at, "submitted_at")
    opd = (submitted.opd or "").strip().upper() or route(submitted.category)
    category = submitted.category.strip() if submitted.category and submitted.category.strip() else None
    return Case(
        ticket=submitted.ticket,
        source_app=submitted.source_app,
        source_ref=submitted.source_ref,
        opd=opd,
        category=category,
        status=submitted.status,
        revision=1,
        submitted_at=at,
        updated_at=at,
        due_at=_deadline(at, due),
        timeline=(Step(submitted.status, at, submitted.legacy_status),),
    )


def apply_change(
    case: Case, changed: ComplaintStatusChanged | ComplaintSubmitted, *, at: datetime | None = None
) -> Case | None:
    """The case after a status change, or None when nothing changes (the same status again).

    A ComplaintSubmitted for an existing ticket is a bridge resync: it counts as a change at `at`
    (the envelope's time) when its status differs.
    """
    if changed.ticket != case.ticket:
        raise RefusedError(f"event for {changed.ticket} applied to case {case.ticket}")
    if changed.source_app != case.source_app:
        raise RefusedError(
            f"{changed.ticket} belongs to {case.source_app!r}; {changed.source_app!r} cannot change it"
        )
    if changed.status == case.status:
        return None
    if isinstance(changed, ComplaintStatusChanged):
        when = _aware(changed.changed_at, "changed_at")
    else:
        when = _aware(at, "the envelope time") if at is not None else case.updated_at
    step = Step(changed.status, when, changed.legacy_status)
    return replace(
        case,
        status=changed.status,
        revision=case.revision + 1,
        # Never back in time: a source app's clock may lag the bridge's.
        updated_at=max(case.updated_at, when),
        timeline=(*case.timeline, step),
    )


def decide(
    case: Case | None,
    event: ComplaintSubmitted | ComplaintStatusChanged,
    *,
    at: datetime | None = None,
    due: Due,
) -> Case | None:
    """The case after any intake event (None: nothing changes); RefusedError for what can never apply."""
    if isinstance(event, ComplaintSubmitted):
        return open_case(event, due=due) if case is None else apply_change(case, event, at=at)
    if isinstance(event, ComplaintStatusChanged):
        if case is None:
            _check_ticket(event.ticket)
            raise RefusedError(f"status change for unknown ticket {event.ticket}: no ComplaintSubmitted seen")
        return apply_change(case, event)
    raise RefusedError(f"complaint intake does not take {type(event).__name__}")


def to_updated(case: Case) -> ComplaintUpdated:
    """The citizen-facing view of the case, as published on the updates topic."""
    return ComplaintUpdated(
        ticket=case.ticket,
        revision=case.revision,
        status=case.status,
        status_label=case.status_label,
        opd=case.opd,
        category=case.category,
        source_app=case.source_app,
        submitted_at=case.submitted_at,
        updated_at=case.updated_at,
        timeline=tuple(TimelineEntry(status=s.status, label=s.label, at=s.at) for s in case.timeline),
    )


def _check_ticket(ticket: str) -> None:
    if not is_ticket(ticket):
        raise RefusedError(f"malformed ticket {ticket!r}: expected A-Z, 0-9 and '-', 3 to 64 characters")


def _aware(value: datetime, name: str) -> datetime:
    # A time without zone is ambiguous (the legacy apps store local time): refuse rather than guess.
    if value.tzinfo is None or value.utcoffset() is None:
        raise RefusedError(f"{name} has no time zone: {value.isoformat()}")
    # aware comparisons subtract, they never build an out-of-range datetime
    if not EARLIEST <= value < LATEST:
        raise RefusedError(
            f"{name} {value.isoformat()} is out of range: a case holds times from {EARLIEST.year} to {LATEST.year}"
        )
    return value


def _deadline(at: datetime, due: Due) -> datetime:
    try:
        deadline = due(at)
    except (OverflowError, ValueError) as exc:  # e.g. a deadline past datetime.max: at is already in range
        raise RefusedError(f"no deadline for a case received at {at.isoformat()}: {exc}") from exc
    if deadline.tzinfo is None or deadline <= at:
        raise RefusedError(f"deadline {deadline.isoformat()} is not an aware time after {at.isoformat()}")
    return deadline
