"""Adversarial sequences of valid events for one ticket (pure): the moves a legacy app really makes, sent as its
bridge would — set back, the same status again, an event late behind a later one — then a canary: a last move
at the latest time, whose status the ticket must show (the app is the truth, the stream is not stalled)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from palapa.contracts.events import (
    AmbulanceDispatched,
    CaseStatus,
    ComplaintStatusChangedV2,
    Event,
    IncidentClosed,
    PatientHandedOver,
    RequestStatus,
    ServiceRequestStatusChanged,
)
from palapa.contracts.topics import COMPLAINT_INTAKE, EMERGENCY_INCIDENTS, SERVICE_REQUESTS, Topic

from .events import FUZZ_APP, valid_event

#: which topics carry a ticket's moves, and where its status shows (service, path)
VIEWS = {COMPLAINT_INTAKE.name: ("complaint-svc", "/complaints/{}"), SERVICE_REQUESTS.name: ("tracking-svc",
         "/tickets/{}"), EMERGENCY_INCIDENTS.name: ("tracking-svc", "/tickets/{}")}
TOPICS = (COMPLAINT_INTAKE, SERVICE_REQUESTS, EMERGENCY_INCIDENTS)
MOVES = ("back", "repeat", "late")


@dataclass(frozen=True)
class Sequence:
    topic: Topic
    ticket: str
    moves: tuple[str, ...]  # what the sequence does, for the failure list
    events: tuple[Event, ...]  # the odd moves, in the order sent
    canary: Event  # the last move, at the latest time
    expected: str  # the status the ticket must show after it

    def describe(self) -> str:
        return f"sequence {'+'.join(self.moves)} on {self.topic.name} for {self.ticket}"


def sequence(topic: Topic, name: str, at: datetime, rng: random.Random) -> Sequence:
    """A seeded sequence on `topic` for the fresh ticket named `name`, its times from `at` on."""
    moves = tuple(rng.sample(MOVES, rng.randint(1, len(MOVES))))
    opening = valid_event(topic, name, at, canary=False)
    ticket, step = opening.ticket, [0]

    def t(offset: float | None = None) -> datetime:
        step[0] += 1
        return at + timedelta(seconds=step[0] if offset is None else offset)

    move = {COMPLAINT_INTAKE.name: _complaint, SERVICE_REQUESTS.name: _request,
            EMERGENCY_INCIDENTS.name: _incident}[topic.name]
    events, canary, expected = move(ticket, name, moves, t)
    return Sequence(topic, ticket, moves, (opening, *events), canary, expected)


def _complaint(ticket: str, ref: str, moves, t):
    def to(status: CaseStatus, code: str, at: datetime) -> Event:
        return ComplaintStatusChangedV2(ticket=ticket, source_app=FUZZ_APP, source_ref=ref, status=status,
                                        legacy_status=code, changed_at=at)

    out = [to(CaseStatus.IN_PROGRESS, "2", t())]
    if "back" in moves:
        out.append(to(CaseStatus.VERIFIED, " Diverifikasi ", t()))
    if "repeat" in moves:
        out += [to(out[-1].status, "tindak lanjut" if out[-1].status is CaseStatus.IN_PROGRESS else "1", t())] * 2
    if "late" in moves:
        out.append(to(CaseStatus.RECEIVED, "0", t(0.5)))  # a move from long ago, arriving now: the app's word
    return out, to(CaseStatus.RESOLVED, "3", t(60)), CaseStatus.RESOLVED.value


def _request(ticket: str, ref: str, moves, t):
    def to(status: RequestStatus, code: str, at: datetime) -> Event:
        return ServiceRequestStatusChanged(ticket=ticket, source_app=FUZZ_APP, source_ref=ref, status=status,
                                           legacy_status=code, changed_at=at)

    out = [to(RequestStatus.IN_PROGRESS, "2", t()), to(RequestStatus.READY, "3", t())]
    if "back" in moves:
        out.append(to(RequestStatus.IN_PROGRESS, "proses", t()))
    if "repeat" in moves:
        out += [to(out[-1].status, out[-1].legacy_status, t())] * 2
    if "late" in moves:
        out.append(to(RequestStatus.VERIFIED, "1", t(0.5)))
    return out, to(RequestStatus.COMPLETED, "4", t(60)), RequestStatus.COMPLETED.value


def _incident(ticket: str, ref: str, moves, t):
    common = {"ticket": ticket, "source_app": FUZZ_APP, "source_ref": ref}
    out: list[Event] = [AmbulanceDispatched(**common, ambulance="AMB-03", dispatched_at=t())]
    if "late" in moves:
        late = t()
        out.append(IncidentClosed(**common, outcome="selesai", closed_at=t()))
        out.append(PatientHandedOver(**common, facility="RSUD", handed_over_at=late))  # behind the closing
    if "back" in moves:
        out.append(AmbulanceDispatched(**common, ambulance="AMB-05", dispatched_at=t()))  # dispatched again
    if "repeat" in moves:
        out += [out[-1]] * 2
    return out, IncidentClosed(**common, outcome="selesai", closed_at=t(60)), "closed"
