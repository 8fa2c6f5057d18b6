"""The tracked ticket's rules, without I/O: statuses and labels per kind, repeats, late and out-of-order events."""

from datetime import UTC, datetime, timedelta

import pytest

from palapa.contracts.events import (
    AmbulanceDispatched,
    IncidentClosed,
    IncidentReported,
    PatientHandedOver,
    ServiceRequestStatusChanged,
    ServiceRequestSubmitted,
    TicketKind,
)
from palapa.tracking.domain import MAX_STEPS, RefusedError, decide, to_updated

T0 = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # 09:00 WIB
PSC = "psc-119"
SIMAKEL = "si-makel"


def reported(ticket="PSC119-20461", minutes=0, **kw):
    fields = {"kind": "kecelakaan lalu lintas", "kelurahan": "Prajurit Kulon", "kecamatan": "Prajurit Kulon", **kw}
    return IncidentReported(ticket=ticket, source_app=PSC, source_ref="20461",
                            reported_at=T0 + timedelta(minutes=minutes), **fields)


def dispatched(ticket="PSC119-20461", minutes=3):
    return AmbulanceDispatched(ticket=ticket, source_app=PSC, source_ref="20461", ambulance="AMB-03",
                               dispatched_at=T0 + timedelta(minutes=minutes))


def handed_over(ticket="PSC119-20461", minutes=25, facility="RSUD Dr. Wahidin Sudiro Husodo"):
    return PatientHandedOver(ticket=ticket, source_app=PSC, source_ref="20461", facility=facility,
                             handed_over_at=T0 + timedelta(minutes=minutes))


def closed(ticket="PSC119-20461", minutes=40, outcome="selesai"):
    return IncidentClosed(ticket=ticket, source_app=PSC, source_ref="20461", outcome=outcome,
                          closed_at=T0 + timedelta(minutes=minutes))


def submitted(ticket="SIMAKEL-3107", status="submitted", hours=0):
    return ServiceRequestSubmitted(
        ticket=ticket, source_app=SIMAKEL, source_ref="3107", letter_type="SKD",
        letter_label="Surat Keterangan Domisili", kelurahan="Magersari", kecamatan="Magersari", status=status,
        submitted_at=T0 + timedelta(hours=hours),
    )


def changed(status, hours, ticket="SIMAKEL-3107"):
    return ServiceRequestStatusChanged(ticket=ticket, source_app=SIMAKEL, source_ref="3107", status=status,
                                       changed_at=T0 + timedelta(hours=hours))


def run(*events, ticket=None):
    """Apply events in order; the ticket after them and the revisions each produced (None: no change)."""
    revisions = []
    for event in events:
        new = decide(ticket, event, at=T0 + timedelta(days=1))
        revisions.append(None if new is None else new.revision)
        ticket = new or ticket
    return ticket, revisions


def steps(ticket):
    return [(s.status, s.label) for s in ticket.timeline]


def test_an_incident_moves_through_its_stages_with_labels_in_bahasa_indonesia():
    ticket, revisions = run(reported(), dispatched(), handed_over(), closed())
    assert revisions == [1, 2, 3, 4]
    assert steps(ticket) == [
        ("reported", "Laporan diterima"), ("dispatched", "Ambulans berangkat"),
        ("handed_over", "Pasien diserahkan ke RSUD Dr. Wahidin Sudiro Husodo"), ("closed", "Selesai")]
    assert (ticket.kind, ticket.status, ticket.status_label) == (TicketKind.INCIDENT, "closed", "Selesai")
    assert ticket.title == "Gawat darurat PSC 119: kecelakaan lalu lintas"
    assert ticket.place == "Kelurahan Prajurit Kulon, Kecamatan Prajurit Kulon"
    assert ticket.opened_at == T0 and ticket.updated_at == T0 + timedelta(minutes=40)


def test_a_repeated_incident_event_changes_nothing():
    ticket, revisions = run(reported(), dispatched(), dispatched(), reported(), handed_over(), handed_over())
    assert revisions == [1, 2, None, None, 3, None]
    assert len(ticket.timeline) == 3


def test_incident_events_out_of_order_land_in_stage_order_and_the_furthest_stage_is_the_status():
    ticket, revisions = run(reported(), handed_over(), dispatched())
    assert revisions == [1, 2, 3]  # the late dispatch still adds its step
    assert [s.status for s in ticket.timeline] == ["reported", "dispatched", "handed_over"]
    assert ticket.status == "handed_over"
    assert ticket.status_label == "Pasien diserahkan ke RSUD Dr. Wahidin Sudiro Husodo"


def test_an_event_before_the_report_opens_a_provisional_ticket_the_report_completes():
    ticket, revisions = run(dispatched(ticket="PSC119-7"))
    assert revisions == [1]
    expected = ("Gawat darurat PSC 119", None, "dispatched", False)
    assert (ticket.title, ticket.place, ticket.status, ticket.opened) == expected
    ticket, revisions = run(reported(ticket="PSC119-7"), ticket=ticket)
    assert revisions == [2]
    assert ticket.opened and ticket.place == "Kelurahan Prajurit Kulon, Kecamatan Prajurit Kulon"
    assert [s.status for s in ticket.timeline] == ["reported", "dispatched"]
    assert ticket.status == "dispatched" and ticket.opened_at == T0


def test_a_handover_without_a_facility_and_a_cancelled_incident_read_plainly():
    ticket, _ = run(reported(), handed_over(facility=None), closed(outcome=" Dibatalkan "))
    assert [s.label for s in ticket.timeline] == [
        "Laporan diterima", "Pasien diserahkan ke fasilitas kesehatan", "Dibatalkan"]


def test_a_corrected_facility_replaces_the_handover_step():
    ticket, revisions = run(reported(), handed_over(facility="Puskesmas Gedongan"), handed_over(facility="RSU Gatoel"))
    assert revisions == [1, 2, 3]
    assert [s.label for s in ticket.timeline] == ["Laporan diterima", "Pasien diserahkan ke RSU Gatoel"]


def test_a_letter_request_shows_its_letter_its_kelurahan_and_each_status():
    ticket, revisions = run(submitted(), changed("verified", 1), changed("ready", 26), changed("completed", 30))
    assert revisions == [1, 2, 3, 4]
    assert (ticket.kind, ticket.title, ticket.place) == (
        TicketKind.SERVICE_REQUEST, "Surat Keterangan Domisili", "Kelurahan Magersari, Kecamatan Magersari")
    assert steps(ticket) == [("submitted", "Diajukan"), ("verified", "Diverifikasi"), ("ready", "Siap diambil"),
                             ("completed", "Selesai")]
    assert ticket.status_label == "Selesai"


def test_a_request_resync_repeats_nothing_and_a_resync_with_a_new_status_counts_at_the_envelope_time():
    ticket, revisions = run(submitted(), changed("verified", 1), submitted(), submitted(status="verified"))
    assert revisions == [1, 2, None, None]
    ticket, revisions = run(submitted(status="ready"), ticket=ticket)
    assert revisions == [3]
    assert ticket.timeline[-1].status == "ready" and ticket.timeline[-1].at == T0 + timedelta(days=1)


def test_a_late_request_change_is_placed_in_time_and_does_not_turn_the_status_back():
    ticket, revisions = run(submitted(), changed("ready", 5), changed("verified", 1), changed("verified", 1))
    assert revisions == [1, 2, 3, None]
    assert [s.status for s in ticket.timeline] == ["submitted", "verified", "ready"]
    assert ticket.status == "ready"


def test_a_change_before_the_submission_opens_a_provisional_request_the_submission_completes():
    ticket, _ = run(changed("in_progress", 2, ticket="SIMAKEL-9"))
    expected = ("Permohonan layanan kelurahan", "Sedang diproses", False)
    assert (ticket.title, ticket.status_label, ticket.opened) == expected
    ticket, revisions = run(submitted(ticket="SIMAKEL-9"), ticket=ticket)
    assert revisions == [2]
    assert ticket.title == "Surat Keterangan Domisili" and ticket.status == "in_progress"
    assert [s.status for s in ticket.timeline] == ["submitted", "in_progress"]


def test_a_request_flipping_status_forever_keeps_a_bounded_timeline():
    events = [submitted()] + [changed("verified" if n % 2 else "in_progress", n + 1) for n in range(200)]
    ticket, _ = run(*events)
    assert len(ticket.timeline) == MAX_STEPS and ticket.timeline[0].status == "submitted"
    assert ticket.revision == 201


def test_events_that_can_never_apply_are_refused_with_the_reason():
    ticket, _ = run(reported())
    with pytest.raises(RefusedError, match="PSC119-20461 belongs to 'psc-119'"):
        decide(ticket, dispatched().model_copy(update={"source_app": "lain"}))
    request, _ = run(submitted(ticket="PSC119-20461"))
    with pytest.raises(RefusedError, match="is tracked as service_request"):
        decide(request, dispatched())
    with pytest.raises(RefusedError, match="malformed ticket"):
        decide(None, reported(ticket="psc 119"))
    with pytest.raises(RefusedError, match="no time zone"):
        decide(None, reported().model_copy(update={"reported_at": datetime(2026, 11, 26, 9, 0)}))
    with pytest.raises(RefusedError, match="out of range"):
        decide(None, reported().model_copy(update={"reported_at": datetime(9999, 12, 31, tzinfo=UTC)}))


def test_the_public_view_carries_no_numbers_that_could_be_a_nik_or_a_phone_and_no_control_characters():
    ticket, _ = run(reported(kind="jatuh\u202e 3576012345678901 hubungi 0812-3456-7890", kelurahan="Kel. Kranggan\x00",
                             kecamatan="KECAMATAN  Prajurit Kulon"))
    view = to_updated(ticket).model_dump_json()
    assert "3576012345678901" not in view and "0812" not in view and "\\u202e" not in view.lower()
    assert ticket.title == "Gawat darurat PSC 119: jatuh … hubungi …"
    assert ticket.place == "Kelurahan Kranggan, Kecamatan Prajurit Kulon"


def test_the_published_view_has_the_ticket_revision_and_whole_timeline():
    ticket, _ = run(reported(), dispatched())
    view = to_updated(ticket)
    assert (view.ticket, view.revision, view.kind, view.status, view.status_label) == (
        "PSC119-20461", 2, TicketKind.INCIDENT, "dispatched", "Ambulans berangkat")
    assert [(s.status, s.at) for s in view.timeline] == [("reported", T0), ("dispatched", T0 + timedelta(minutes=3))]
