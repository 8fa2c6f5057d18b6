"""A legacy app's own status is the truth for the cases it holds: every move it makes is recorded (pure)."""

from datetime import UTC, datetime, timedelta

import pytest

from palapa.complaint.lifecycle.domain import Policy, RefusedError, move, open_case
from palapa.complaint.lifecycle.intake import corrected, decide
from palapa.complaint.routing.domain import SEED_RULES, RoutingTable
from palapa.complaint.sla.workdays import WorkCalendar
from palapa.contracts.events import CaseStatus, ComplaintStatusChangedV2, ComplaintSubmittedV2

T0 = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # Friday 08:30 WIB
FIVE = Policy(RoutingTable(SEED_RULES), WorkCalendar().add_working_days)
APP = "curhat-ning-ita"


def opened():
    return open_case(ComplaintSubmittedV2(ticket="CURHAT-7", source_app=APP, source_ref="7", category="Sampah",
                                        description="Sampah menumpuk", legacy_status="0", submitted_at=T0),
                     policy=FIVE)


def curhat(case, status, code, hours, note=None):
    event = ComplaintStatusChangedV2(ticket="CURHAT-7", source_app=APP, source_ref="7", status=status,
                                     legacy_status=code, changed_at=T0 + timedelta(hours=hours), note=note)
    return decide(case, event, policy=FIVE)


def test_staff_set_back_from_proses_to_diverifikasi_is_recorded_as_a_correction():
    in_progress = curhat(opened(), "in_progress", "2", 1)
    back = curhat(in_progress, "verified", "1", 2)
    assert (back.status, back.revision) == ("verified", 3)
    assert back.timeline[-1].note == "Dikoreksi di curhat-ning-ita: kode 1 (Diverifikasi)"
    assert back.timeline[-1].legacy_status == "1"
    assert corrected(in_progress, back)


def test_a_legal_move_of_the_app_is_made_as_staff_would_and_is_no_correction():
    case = opened()
    moved = curhat(case, "in_progress", "2", 1)
    assert moved.timeline[-1].note is None and not corrected(case, moved)


def test_the_same_status_again_changes_nothing_even_under_another_code():
    in_progress = curhat(opened(), "in_progress", "2", 1)
    assert curhat(in_progress, "in_progress", "tindak lanjut", 2) is None


def test_a_reopened_selesai_restarts_the_clocks_as_a_reopen_does():
    resolved = curhat(curhat(opened(), "in_progress", "2", 1), "resolved", "3", 2)
    at = T0 + timedelta(days=10)
    again = curhat(resolved, "in_progress", "2", 240)
    reopened = move(resolved, CaseStatus.REOPENED, at, policy=FIVE)
    assert (again.status, again.kind) == ("in_progress", "open")
    assert (again.due_at, again.forward_due_at, again.sla_round) == (
        reopened.due_at, reopened.forward_due_at, reopened.sla_round)
    assert again.due_at > resolved.due_at and again.escalation_level == 0
    assert again.timeline[-1].note == "Dikoreksi di curhat-ning-ita: kode 2 (Sedang diproses)"


def test_a_move_back_between_open_statuses_keeps_the_clocks():
    in_progress = curhat(opened(), "in_progress", "2", 1)
    back = curhat(in_progress, "verified", "diverifikasi", 2)
    assert (back.due_at, back.sla_round) == (in_progress.due_at, in_progress.sla_round)
    assert back.timeline[-1].note == "Dikoreksi di curhat-ning-ita: kode diverifikasi (Diverifikasi)"


def test_a_rejection_after_selesai_is_recorded_with_the_apps_own_note():
    resolved = curhat(opened(), "resolved", "3", 1)
    rejected = curhat(resolved, "rejected", "9", 2, note="Bukan wilayah Kota Mojokerto")
    assert rejected.status == "rejected"
    assert rejected.timeline[-1].note == (
        "Dikoreksi di curhat-ning-ita: kode 9 (Ditolak); Bukan wilayah Kota Mojokerto")


def test_a_move_that_needs_a_detail_only_staff_give_is_still_recorded():
    duplicate = curhat(opened(), "duplicate", "dobel", 1)
    assert duplicate.status == "duplicate"
    assert duplicate.timeline[-1].note == "Dikoreksi di curhat-ning-ita: kode dobel (Duplikat)"


def test_staff_through_the_platform_are_still_held_to_the_lifecycle():
    in_progress = curhat(opened(), "in_progress", "2", 1)
    with pytest.raises(RefusedError, match="illegal transition in_progress -> verified"):
        move(in_progress, CaseStatus.VERIFIED, T0 + timedelta(hours=2), policy=FIVE)


def test_another_app_still_cannot_move_the_case():
    event = ComplaintStatusChangedV2(ticket="CURHAT-7", source_app="lapor", source_ref="7", status="verified",
                                     legacy_status="1", changed_at=T0)
    with pytest.raises(RefusedError, match="belongs to 'curhat-ning-ita'"):
        decide(opened(), event, policy=FIVE)
