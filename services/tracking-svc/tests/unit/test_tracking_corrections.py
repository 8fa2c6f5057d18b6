"""What the system of record says is recorded: a letter or an incident the source app moves back (pure)."""

from datetime import UTC, datetime, timedelta

from palapa.contracts.events import (
    AmbulanceDispatched,
    IncidentClosed,
    IncidentReported,
    ServiceRequestStatusChanged,
    ServiceRequestSubmitted,
)
from palapa.tracking.domain import corrected, decide, to_updated

T0 = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
PSC, SIMAKEL = "psc-119", "si-makel"


def letter(status="submitted"):
    return ServiceRequestSubmitted(ticket="SIMAKEL-3107", source_app=SIMAKEL, source_ref="3107", letter_type="SKD",
                                   letter_label="Surat Keterangan Domisili", status=status, submitted_at=T0)


def letter_moved(status, hours, code=None):
    return ServiceRequestStatusChanged(ticket="SIMAKEL-3107", source_app=SIMAKEL, source_ref="3107", status=status,
                                       legacy_status=code, changed_at=T0 + timedelta(hours=hours))


def reported():
    return IncidentReported(ticket="PSC119-7", source_app=PSC, source_ref="7", kind="kecelakaan", reported_at=T0)


def dispatched(minutes):
    return AmbulanceDispatched(ticket="PSC119-7", source_app=PSC, source_ref="7", ambulance="AMB-03",
                               dispatched_at=T0 + timedelta(minutes=minutes))


def closed(minutes, outcome="dibatalkan"):
    return IncidentClosed(ticket="PSC119-7", source_app=PSC, source_ref="7", outcome=outcome,
                          closed_at=T0 + timedelta(minutes=minutes))


def run(*events):
    ticket, seen = None, []
    for event in events:
        new = decide(ticket, event, at=T0 + timedelta(days=1))
        seen.append(None if new is None else corrected(ticket, new))
        ticket = new or ticket
    return ticket, seen


def test_a_letter_set_back_from_ready_to_verified_is_recorded_as_a_correction_with_the_apps_code():
    ticket, seen = run(letter(), letter_moved("ready", 5), letter_moved("verified", 6, code="VERIF"))
    assert seen == [False, False, True]
    assert (ticket.status, ticket.status_label) == ("verified", "Diverifikasi")
    assert ticket.timeline[-1].note == "Dikoreksi di si-makel: kode VERIF (Diverifikasi)"
    assert to_updated(ticket).timeline[-1].note == ticket.timeline[-1].note


def test_a_late_letter_event_is_still_placed_in_time_and_is_no_correction():
    ticket, seen = run(letter(), letter_moved("ready", 5), letter_moved("verified", 1))
    assert seen == [False, False, False]
    assert ticket.status == "ready" and all(s.note is None for s in ticket.timeline)


def test_an_incident_closed_then_dispatched_again_follows_the_app_and_then_moves_on():
    ticket, seen = run(reported(), dispatched(3), closed(20), dispatched(30))
    assert seen == [False, False, False, True]
    assert ticket.status == "dispatched"
    assert ticket.timeline[-1].note == "Dikoreksi di psc-119: Ambulans berangkat"
    ticket, seen = run(reported(), dispatched(3), closed(20), dispatched(30), dispatched(30), closed(50, "selesai"))
    assert seen == [False, False, False, True, None, False]
    assert (ticket.status, ticket.status_label) == ("closed", "Selesai")
    assert [s.status for s in ticket.timeline] == ["reported", "dispatched", "closed", "dispatched", "closed"]


def test_incident_events_out_of_order_are_no_correction():
    ticket, seen = run(reported(), closed(20), dispatched(3))
    assert seen == [False, False, False]
    assert ticket.status == "closed"
