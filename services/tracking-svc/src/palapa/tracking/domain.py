"""A tracked ticket (a Si Makel letter request or a PSC 119 incident) and how each event moves it (pure).

Events may come twice, late, or out of order (a webhook delivered twice, a bridge resyncing): each one is
merged into the timeline, and anything that changes nothing returns None. An event for a ticket never seen
opens it provisionally (a generic title, no place), and the opening event, when it comes, completes it:
a citizen sees the ambulance on its way even if the report itself is late, and no stream waits.

The source app is the system of record (issue 17): a move it makes back (a letter from "siap diambil" to
"diverifikasi", an incident closed and then dispatched again), later than the ticket's current step, is recorded
as a correction with a note saying what the app did, never refused and never taken for a late event.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from palapa.contracts.events import (
    AmbulanceDispatched,
    IncidentClosed,
    IncidentReported,
    PatientHandedOver,
    ServiceRequestStatusChanged,
    ServiceRequestSubmitted,
    TicketKind,
    TicketStep,
    TicketUpdated,
    is_ticket,
)

from . import labels
from .labels import INCIDENT_LABELS, INCIDENT_RANK, REQUEST_RANK, IncidentStatus

RequestEvent = ServiceRequestSubmitted | ServiceRequestStatusChanged
IncidentEvent = IncidentReported | AmbulanceDispatched | PatientHandedOver | IncidentClosed
TrackedEvent = RequestEvent | IncidentEvent

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
#: A timeline keeps its first step and the newest ones: a source flipping a status forever cannot grow it without end.
MAX_STEPS = 50


class RefusedError(ValueError):
    """The event can never apply (the message says why); the consumer dead-letters it."""


@dataclass(frozen=True)
class Step:
    status: str
    label: str
    at: datetime
    note: str | None = None  # set on a correction: what the source app did

    @property
    def corrected(self) -> bool:
        return self.note is not None


@dataclass(frozen=True)
class Opening:
    """What only the opening event knows: what the ticket is about, where, since when."""

    title: str
    place: str | None
    opened_at: datetime
    phone_hash: str | None = None  # an incident's caller, as the keyed hash of a phone account (incident_claims.py)


@dataclass(frozen=True)
class Ticket:
    """The public view of one ticket; revision counts its changes from 1. `opened`: its opening event was seen."""

    ticket: str
    kind: TicketKind
    source_app: str
    title: str
    place: str | None
    status: str
    status_label: str
    revision: int
    opened_at: datetime
    updated_at: datetime
    timeline: tuple[Step, ...]
    opened: bool
    owner: str | None = None  # the citizen account that requested it at the gate (letters.py), never shown
    legacy_ticket: str | None = None  # the legacy app's own ticket once it filed a gate request (SIMAKEL-3107)
    phone_hash: str | None = None  # the keyed hash of the number PSC 119 recorded for the caller, never shown


def kind_of(event: TrackedEvent) -> TicketKind:
    return TicketKind.SERVICE_REQUEST if isinstance(event, RequestEvent) else TicketKind.INCIDENT


def decide(ticket: Ticket | None, event: TrackedEvent, *, at: datetime | None = None) -> Ticket | None:
    """The ticket after `event` (None: nothing changes). `at` is the envelope's time, used when a resync of a
    known request reports a status with no time of its own. RefusedError for what can never apply."""
    if not is_ticket(event.ticket):
        raise RefusedError(f"malformed ticket {event.ticket[:80]!r}: expected A-Z, 0-9 and '-', 3 to 64 characters")
    kind = kind_of(event)
    if ticket is not None:
        if ticket.kind != kind:
            raise RefusedError(
                f"{event.ticket} is tracked as {ticket.kind.value}; {type(event).__name__} cannot change it"
            )
        if ticket.source_app != event.source_app:
            raise RefusedError(
                f"{event.ticket} belongs to {ticket.source_app!r}; {event.source_app!r} cannot change it"
            )
    step, opening = _step(ticket, event, at), _opening(event)
    if ticket is None:
        return _new(event, kind, step, opening)
    if step is not None and _moves_back(kind, ticket.timeline, step):
        note = labels.correction_note(event.source_app, step.label, getattr(event, "legacy_status", None))
        timeline = _capped((*ticket.timeline, replace(step, note=note)))
    else:
        timeline = _merge(kind, ticket.timeline, step) if step is not None else ticket.timeline
    new = replace(ticket, timeline=timeline, **_current(kind, timeline))
    if opening is not None:
        new = replace(new, title=opening.title, place=opening.place, opened_at=opening.opened_at, opened=True,
                      phone_hash=opening.phone_hash or new.phone_hash)
    if new == ticket:
        return None
    newest = max(s.at for s in timeline)
    return replace(new, revision=ticket.revision + 1, updated_at=max(ticket.updated_at, newest))


def corrected(old: Ticket | None, new: Ticket) -> bool:
    """Whether a decision recorded a correction of the system of record's."""
    return any(s.corrected for s in set(new.timeline) - set(old.timeline if old else ()))


def _moves_back(kind: TicketKind, timeline: tuple[Step, ...], step: Step) -> bool:
    """A step later than the current one, of an earlier status: the app moved the ticket back (a late event
    carries an earlier time and is merged in its place instead)."""
    current = _segment(timeline)
    top = _top(kind, current)
    return step.at > top.at and _rank(kind, step.status) < _rank(kind, top.status)


def _rank(kind: TicketKind, status: str) -> int:
    return INCIDENT_RANK[IncidentStatus(status)] if kind is TicketKind.INCIDENT else REQUEST_RANK[status]


def _segment(timeline: tuple[Step, ...]) -> tuple[Step, ...]:
    """The steps since the last correction: what the ticket's status is read from."""
    last = max((i for i, s in enumerate(timeline) if s.corrected), default=0)
    return timeline[last:]


def to_updated(ticket: Ticket) -> TicketUpdated:
    """The citizen-facing view, as published on palapa.tickets.updates.v1 (no person, no address)."""
    return TicketUpdated(
        ticket=ticket.ticket, revision=ticket.revision, kind=ticket.kind, title=ticket.title,
        status=ticket.status, status_label=ticket.status_label, place=ticket.place, source_app=ticket.source_app,
        opened_at=ticket.opened_at, updated_at=ticket.updated_at,
        timeline=tuple(TicketStep(status=s.status, label=s.label, at=s.at, note=s.note) for s in ticket.timeline),
    )


def _new(event: TrackedEvent, kind: TicketKind, step: Step, opening: Opening | None) -> Ticket:
    title = labels.REQUEST_TITLE if kind is TicketKind.SERVICE_REQUEST else labels.INCIDENT_TITLE
    return Ticket(
        ticket=event.ticket, kind=kind, source_app=event.source_app,
        title=opening.title if opening else title, place=opening.place if opening else None,
        revision=1, opened_at=opening.opened_at if opening else step.at, updated_at=step.at,
        timeline=(step,), opened=opening is not None, phone_hash=opening.phone_hash if opening else None,
        **_current(kind, (step,)),
    )


def _step(ticket: Ticket | None, event: TrackedEvent, at: datetime | None) -> Step | None:
    """The timeline step an event stands for (None: a resync that repeats a status the ticket had)."""
    match event:
        case ServiceRequestSubmitted():
            when = _aware(event.submitted_at, "submitted_at")
            if ticket is not None and ticket.opened:
                # a resync: a status seen before is a repeat; a new one happened at some point until now
                if any(s.status == event.status.value for s in ticket.timeline):
                    return None
                when = _aware(at, "the envelope time") if at is not None else ticket.updated_at
            return Step(event.status.value, labels.request_label(event.status), when)
        case ServiceRequestStatusChanged():
            return Step(event.status.value, labels.request_label(event.status), _aware(event.changed_at, "changed_at"))
        case IncidentReported():
            return _incident(IncidentStatus.REPORTED, INCIDENT_LABELS[IncidentStatus.REPORTED], event.reported_at,
                             "reported_at")
        case AmbulanceDispatched():
            return _incident(IncidentStatus.DISPATCHED, INCIDENT_LABELS[IncidentStatus.DISPATCHED], event.dispatched_at,
                             "dispatched_at")
        case PatientHandedOver():
            return _incident(IncidentStatus.HANDED_OVER, labels.handed_over_label(event.facility), event.handed_over_at,
                             "handed_over_at")
        case IncidentClosed():
            return _incident(IncidentStatus.CLOSED, labels.closed_label(event.outcome), event.closed_at, "closed_at")
    raise RefusedError(f"tracking-svc does not take {type(event).__name__}")


def _incident(status: IncidentStatus, label: str, at: datetime, name: str) -> Step:
    return Step(status.value, label, _aware(at, name))


def _opening(event: TrackedEvent) -> Opening | None:
    if isinstance(event, ServiceRequestSubmitted):
        return Opening(labels.request_title(event.letter_label), labels.place(event.kelurahan, event.kecamatan),
                       _aware(event.submitted_at, "submitted_at"))
    if isinstance(event, IncidentReported):
        return Opening(labels.incident_title(event.kind), labels.place(event.kelurahan, event.kecamatan),
                       _aware(event.reported_at, "reported_at"), event.caller_phone_hash)
    return None


def _merge(kind: TicketKind, timeline: tuple[Step, ...], step: Step) -> tuple[Step, ...]:
    if kind is TicketKind.INCIDENT:
        return _merge_incident(timeline, step)
    return _merge_request(timeline, step)


def _merge_incident(timeline: tuple[Step, ...], step: Step) -> tuple[Step, ...]:
    """One step per stage, in stage order, since the last correction (a step older than it goes before it):
    a repeat changes nothing, a corrected label (e.g. the facility) replaces it."""
    current = _segment(timeline)
    if current[0].corrected:
        head, corrected = timeline[: len(timeline) - len(current)], current[0]
        if step.at < corrected.at:
            return (*_merge_incident(head, step), *current)
        if step.status == corrected.status:
            return timeline  # the corrected stage said again
        return (*head, corrected, *_merge_incident(current[1:], step)) if current[1:] else (*timeline, step)
    same = next((s for s in timeline if s.status == step.status), None)
    if same is not None:
        if same.label == step.label:
            return timeline
        timeline = tuple(s for s in timeline if s is not same)
    return tuple(sorted((*timeline, step), key=lambda s: (INCIDENT_RANK[IncidentStatus(s.status)], s.at)))


def _merge_request(timeline: tuple[Step, ...], step: Step) -> tuple[Step, ...]:
    """In time order; the same status again is no change, and a late step of a status already seen is a repeat."""
    if any(s.status == step.status and s.at == step.at for s in timeline):
        return timeline
    latest = timeline[-1]
    if step.at >= latest.at:
        return timeline if step.status == latest.status else _capped((*timeline, step))
    if any(s.status == step.status for s in timeline):
        return timeline
    position = next(i for i, s in enumerate(timeline) if s.at > step.at)
    return _capped((*timeline[:position], step, *timeline[position:]))


def _capped(timeline: tuple[Step, ...]) -> tuple[Step, ...]:
    return timeline if len(timeline) <= MAX_STEPS else (timeline[0], *timeline[-(MAX_STEPS - 1):])


def _current(kind: TicketKind, timeline: tuple[Step, ...]) -> dict[str, str]:
    """Status and label: an incident's furthest stage, a request's latest step."""
    top = _top(kind, _segment(timeline))
    return {"status": top.status, "status_label": top.label}


def _top(kind: TicketKind, steps: tuple[Step, ...]) -> Step:
    if kind is TicketKind.INCIDENT:
        return max(steps, key=lambda s: INCIDENT_RANK[IncidentStatus(s.status)])
    return steps[-1]


def _aware(value: datetime, name: str) -> datetime:
    # a time without zone is ambiguous (legacy apps keep local time): refuse rather than guess
    if value.tzinfo is None or value.utcoffset() is None:
        raise RefusedError(f"{name} has no time zone: {value.isoformat()}")
    if not EARLIEST <= value < LATEST:
        raise RefusedError(f"{name} {value.isoformat()} is out of range ({EARLIEST.year} to {LATEST.year})")
    return value
