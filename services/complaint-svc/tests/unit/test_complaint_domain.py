"""The case rules, with no fixtures: routing, transitions, resyncs, timeline and the citizen view."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from palapa.complaint.lifecycle.domain import (
    Policy,
    RefusedError,
    is_overdue,
    open_case,
    route,
    to_updated,
)
from palapa.complaint.lifecycle.intake import decide
from palapa.complaint.routing.domain import SEED_RULES, RoutingTable
from palapa.complaint.sla.workdays import WorkCalendar
from palapa.contracts.events import ComplaintStatus, ComplaintStatusChanged, ComplaintSubmittedV2, is_ticket

T0 = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # Friday 08:30 WIB, office hours
FIVE = Policy(RoutingTable(SEED_RULES), WorkCalendar().add_working_days)


def apply_change(case, event):
    return decide(case, event, policy=FIVE)


def due(fn):
    return Policy(RoutingTable(SEED_RULES), lambda at, n: fn(at))
#: the end of Friday 2026-11-27 in WIB: five working days (Mon 23 to Fri 27) after Friday the 20th
T0_DUE = datetime(2026, 11, 27, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=7)))


def submitted(ticket="CURHAT-1042", **kw) -> ComplaintSubmittedV2:
    fields = dict(
        ticket=ticket, source_app="curhat-ning-ita", source_ref=ticket.split("-")[-1], category="Jalan Rusak ",
        description="Jalan berlubang di depan SDN Kranggan 2", status="received", legacy_status="0", submitted_at=T0,
    )
    return ComplaintSubmittedV2(**{**fields, **kw})


def changed(status, at=T0 + timedelta(hours=2), ticket="CURHAT-1042", **kw) -> ComplaintStatusChanged:
    return ComplaintStatusChanged(
        ticket=ticket, source_app=kw.pop("source_app", "curhat-ning-ita"), source_ref="1042", status=status,
        legacy_status=kw.pop("legacy_status", None), changed_at=at, **kw,
    )


@pytest.mark.parametrize(
    ("category", "opd"),
    [
        ("Jalan Rusak", "DPUPR"), ("jalan rusak ", "DPUPR"), ("  JALAN   RUSAK", "DPUPR"), ("Sampah", "DLH"),
        ("PJU", "DISHUB"), ("Lampu Jalan", "DISHUB"), ("PJU/Lampu Jalan", "DISHUB"), ("Kesehatan", "DINKES"),
        ("Pendidikan", "DISDIK"), ("Adminduk", "DISPENDUKCAPIL"), ("KTP", "DISPENDUKCAPIL"),
        ("Banjir", "DPUPR"), ("Banjir / Drainase", "DPUPR"), ("Drainase", "DPUPR"), ("Keamanan", "SATPOLPP"),
    ],
)
def test_a_known_category_routes_to_its_opd(category, opd):
    assert route(category) == opd


@pytest.mark.parametrize("category", [None, "", "-", " - ", "Lain-lain", "Kucing hilang"])
def test_an_unknown_or_blank_category_goes_to_triage_at_diskominfo(category):
    assert route(category) == "DISKOMINFO"


def test_the_opd_set_by_the_source_app_wins_over_routing():
    assert open_case(submitted(opd="dlh", category="Jalan Rusak"), policy=FIVE).opd == "DLH"
    assert open_case(submitted(opd="  ", category="Jalan Rusak"), policy=FIVE).opd == "DPUPR"


def test_a_submitted_complaint_opens_a_case_at_revision_one_with_its_deadline():
    case = open_case(submitted(), policy=FIVE)
    assert (case.ticket, case.revision, case.status, case.opd) == ("CURHAT-1042", 1, "received", "DPUPR")
    assert case.category == "Jalan Rusak"
    assert case.submitted_at == case.updated_at == T0
    assert case.due_at == T0_DUE
    assert [(s.status, s.at, s.legacy_status, s.label) for s in case.timeline] == [("received", T0, "0", "Diterima")]


def test_a_status_change_moves_the_case_and_extends_the_timeline():
    case = open_case(submitted(), policy=FIVE)
    later = apply_change(case, changed("in_progress", legacy_status="2"))
    assert (later.status, later.revision, later.updated_at) == ("in_progress", 2, T0 + timedelta(hours=2))
    assert [s.status for s in later.timeline] == ["received", "in_progress"]
    assert later.timeline[-1].legacy_status == "2"
    assert later.due_at == case.due_at
    final = apply_change(later, changed("resolved", at=T0 + timedelta(days=1)))
    assert final.revision == 3 and final.closed
    assert [s.label for s in final.timeline] == ["Diterima", "Sedang diproses", "Selesai"]


def test_the_same_status_again_changes_nothing():
    case = open_case(submitted(), policy=FIVE)
    assert apply_change(case, changed("received")) is None


def test_a_status_change_for_an_unknown_ticket_is_refused_with_the_reason():
    with pytest.raises(RefusedError, match="unknown ticket CURHAT-7"):
        decide(None, changed("verified", ticket="CURHAT-7"), policy=FIVE)


def test_a_change_from_another_app_is_refused():
    with pytest.raises(RefusedError, match="belongs to 'curhat-ning-ita'"):
        apply_change(open_case(submitted(), policy=FIVE), changed("verified", source_app="lapor"))


def test_a_resubmission_with_the_same_status_is_not_a_second_case():
    case = open_case(submitted(), policy=FIVE)
    assert decide(case, submitted(), at=T0 + timedelta(hours=5), policy=FIVE) is None


def test_a_resubmission_with_another_status_counts_as_a_change_at_the_envelope_time():
    case = open_case(submitted(), policy=FIVE)
    resync_at = T0 + timedelta(hours=5)
    later = decide(case, submitted(status="verified", legacy_status="1"), at=resync_at, policy=FIVE)
    assert (later.revision, later.status, later.updated_at) == (2, "verified", resync_at)
    assert [(s.status, s.at) for s in later.timeline] == [("received", T0), ("verified", resync_at)]
    assert later.submitted_at == T0


def test_updated_at_never_goes_back_in_time_but_the_step_keeps_its_own_time():
    case = open_case(submitted(), policy=FIVE)
    early = T0 - timedelta(minutes=3)
    later = apply_change(case, changed("verified", at=early))
    assert later.updated_at == T0
    assert later.timeline[-1].at == early


def test_a_time_without_zone_is_refused():
    with pytest.raises(RefusedError, match="no time zone"):
        open_case(submitted(submitted_at=datetime(2026, 11, 20, 8, 30)), policy=FIVE)


WIB = timezone(timedelta(hours=7))
MINUS_12 = timezone(timedelta(hours=-12))


@pytest.mark.parametrize(
    "at",
    [
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),  # a legacy placeholder: the deadline would overflow
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=MINUS_12),  # beyond datetime.max once in UTC
        datetime(9000, 1, 1, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=WIB),  # before datetime.min once in UTC
        datetime(1899, 12, 31, 23, 59, tzinfo=UTC),
    ],
)
def test_a_submission_at_the_ends_of_the_calendar_is_refused_not_overflowed(at):
    with pytest.raises(RefusedError, match=r"submitted_at .* is out of range"):
        open_case(submitted(submitted_at=at), policy=FIVE)


def test_the_latest_time_in_range_still_gets_its_deadline():
    at = datetime(8999, 12, 31, 23, 59, tzinfo=WIB)
    # after hours on Tuesday 8999-12-31 WIB: counted from Wednesday 9000-01-01 (no holidays known that far)
    due = open_case(submitted(submitted_at=at), policy=FIVE).due_at
    assert due == datetime(9000, 1, 8, 23, 59, 59, 999999, tzinfo=WIB)


def test_a_deadline_the_calendar_cannot_give_is_refused_not_overflowed():
    with pytest.raises(RefusedError, match="no deadline for a case received at"):
        open_case(submitted(), policy=due(lambda at: at + timedelta(days=10_000_000)))
    with pytest.raises(RefusedError, match="is not an aware time after"):
        open_case(submitted(), policy=due(lambda at: at))


@pytest.mark.parametrize("at", [datetime(9999, 12, 31, tzinfo=UTC), datetime(1, 1, 1, 0, 30, tzinfo=WIB)])
def test_a_change_or_resync_at_the_ends_of_the_calendar_is_refused(at):
    case = open_case(submitted(), policy=FIVE)
    with pytest.raises(RefusedError, match="changed_at .* is out of range"):
        apply_change(case, changed("in_progress", at=at))
    with pytest.raises(RefusedError, match="the envelope time .* is out of range"):
        decide(case, submitted(status="verified", legacy_status="1"), at=at, policy=FIVE)


@pytest.mark.parametrize("ticket", ["curhat-1", "AB", "-ABC", "CURHAT 1", "CURHAT_1"])
def test_a_malformed_ticket_is_refused(ticket):
    assert not is_ticket(ticket)
    with pytest.raises(RefusedError, match="malformed ticket"):
        decide(None, submitted(ticket=ticket), policy=FIVE)
    with pytest.raises(RefusedError, match="malformed ticket"):
        decide(None, changed("verified", ticket=ticket), policy=FIVE)


def test_ticket_ids_of_every_channel_are_well_formed():
    longest = "X" * 59 + "-1042"
    assert all(is_ticket(t) for t in ["CURHAT-1042", "LAPOR-2026-000017", "PSC119-7", longest])
    assert not any(is_ticket(t) for t in [longest + "0", "CURHAT1042", "curhat-1042", "-1042", "CURHAT-"])


def test_open_cases_past_their_deadline_are_overdue_and_closed_ones_never():
    case = open_case(submitted(), policy=FIVE)
    assert not is_overdue(case, T0_DUE)
    assert is_overdue(case, T0_DUE + timedelta(microseconds=1))
    resolved = apply_change(case, changed("resolved"))
    assert not is_overdue(resolved, T0 + timedelta(days=60))


def test_the_citizen_view_carries_revision_labels_and_the_whole_timeline():
    case = apply_change(open_case(submitted(), policy=FIVE), changed("in_progress"))
    view = to_updated(case)
    assert (view.ticket, view.revision, view.status, view.status_label) == (
        "CURHAT-1042", 2, "in_progress", "Sedang diproses")
    assert (view.opd, view.category, view.source_app) == ("DPUPR", "Jalan Rusak", "curhat-ning-ita")
    assert [(t.status, t.label) for t in view.timeline] == [
        (ComplaintStatus.RECEIVED, "Diterima"), (ComplaintStatus.IN_PROGRESS, "Sedang diproses")
    ]
