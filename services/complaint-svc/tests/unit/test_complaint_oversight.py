"""Re-routing with a reason, leaders' instructions on escalations, who waits on which escalation (pure)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from palapa.complaint.cases.access import escalation_levels, leader_title, may_instruct
from palapa.complaint.lifecycle.domain import Case, RefusedError
from palapa.complaint.lifecycle.oversight import instruct, reroute
from palapa.contracts.events import CaseStatus
from palapa.kit.auth import AuthError, Principal, Role

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
DESK = Principal("meja", frozenset({Role.DESK}), frozenset({"DISKOMINFO"}))
DISHUB = Principal("petugas-dishub", frozenset({Role.OPD_OFFICER}), frozenset({"DISHUB"}))
SEKDA = Principal("sekda", frozenset({Role.SEKDA}))
WALI = Principal("wali-kota", frozenset({Role.WALI_KOTA}))
BOTH = Principal("pj", frozenset({Role.SEKDA, Role.WALI_KOTA}))
CATALOG = Principal("admin-katalog", frozenset({Role.CATALOG_ADMIN}))


def case(status=CaseStatus.IN_PROGRESS, level=0) -> Case:
    return Case(ticket="PORTAL-1", source_app="portal", source_ref="PORTAL-1", opd="DLH", category="Sampah",
                status=status, revision=3, submitted_at=NOW, updated_at=NOW, due_at=NOW + timedelta(days=7),
                forward_due_at=NOW + timedelta(days=3), timeline=(), escalation_level=level)


def reason(call) -> str | None:
    try:
        call()
    except AuthError as exc:
        return f"{exc.status} {exc.reason}"
    return None


def test_a_reroute_moves_the_opd_keeps_status_and_deadlines_and_says_why_in_the_timeline():
    before = case()
    after = reroute(before, " dishub ", NOW, "  Lampu   lalu lintas ")
    assert (after.opd, after.status, after.revision) == ("DISHUB", before.status, 4)
    assert (after.due_at, after.forward_due_at) == (before.due_at, before.forward_due_at)
    assert after.timeline[-1].note == "Dialihkan dari DLH ke DISHUB: Lampu lalu lintas"


@pytest.mark.parametrize(("changed", "opd", "why", "says"), [
    ({}, "DISHUB", "  ", "needs its reason"),
    ({}, "dlh", "Salah alamat", "already at DLH"),
    ({"status": CaseStatus.CLOSED}, "DISHUB", "Salah alamat", "reopen it first"),
])
def test_a_reroute_without_reason_to_the_same_opd_or_of_a_closed_case_is_refused(changed, opd, why, says):
    with pytest.raises(RefusedError, match=says):
        reroute(replace(case(), **changed), opd, NOW, why)


def test_an_instruction_is_signed_by_the_role_not_the_person_and_keeps_the_status():
    after = instruct(case(level=2), NOW, "Tindak lanjuti hari ini", leader_title(SEKDA))
    assert after.status is CaseStatus.IN_PROGRESS and after.revision == 4
    assert after.timeline[-1].note == "Arahan Sekretaris Daerah: Tindak lanjuti hari ini"
    assert leader_title(BOTH) == "Wali Kota"
    with pytest.raises(RefusedError, match="blank"):
        instruct(case(level=2), NOW, " ", "Wali Kota")
    with pytest.raises(RefusedError, match="no instruction"):
        instruct(case(CaseStatus.RESOLVED, level=2), NOW, "Cek lagi", "Wali Kota")


def test_only_leaders_instruct_and_only_on_a_case_escalated_past_its_opd():
    assert reason(lambda: may_instruct(SEKDA, case(level=2))) is None
    assert reason(lambda: may_instruct(WALI, case(level=3))) is None
    assert reason(lambda: may_instruct(SEKDA, case(level=1))) == "403 not_escalated"
    for who in (DESK, DISHUB, CATALOG):
        assert reason(lambda who=who: may_instruct(who, case(level=3))) == "403 role_missing"


def test_the_sekda_waits_on_level_2_the_wali_kota_on_3_and_up_the_desk_on_all_and_no_one_else():
    assert escalation_levels(SEKDA) == (2, 2)
    assert escalation_levels(WALI) == (3, None)
    assert escalation_levels(DESK) == escalation_levels(BOTH) == (2, None)
    for who in (DISHUB, CATALOG):
        assert reason(lambda who=who: escalation_levels(who)) == "403 role_missing"
