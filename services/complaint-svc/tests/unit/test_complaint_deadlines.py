"""Two working-day clocks across Idul Fitri 2027 and its cuti bersama, warnings, breaches and escalation (pure)."""

from datetime import date, datetime, timedelta

import holidays

from palapa.complaint.lifecycle.domain import Policy, escalate, move, open_case
from palapa.complaint.routing.domain import SEED_RULES, RoutingTable, Rule
from palapa.complaint.sla.domain import due_now, first_check, next_check, plan
from palapa.complaint.sla.workdays import WorkCalendar
from palapa.contracts.events import CaseStatus, ComplaintSubmittedV2, SlaStage

CAL = WorkCalendar()
WIB = CAL.tz
POLICY = Policy(RoutingTable(SEED_RULES), CAL.add_working_days)


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, 999999, tzinfo=WIB)


def submitted(at: datetime, category="Jalan Rusak") -> ComplaintSubmittedV2:
    return ComplaintSubmittedV2(ticket="CURHAT-2027", source_app="portal", source_ref="2027", category=category,
                              description="Jalan berlubang", submitted_at=at)


def test_the_holidays_package_knows_idul_fitri_2027_and_its_cuti_bersama():
    days = holidays.country_holidays("ID", categories=("public", "government"), years=2027)
    assert days.get(date(2027, 3, 10)).startswith("Eid al-Fitr")  # Wednesday 10 March 2027 (estimated by the package)
    assert date(2027, 3, 11) in days  # the second day
    cuti = holidays.country_holidays("ID", categories=("government",), years=2027)
    assert {date(2027, 3, 9), date(2027, 3, 12), date(2027, 3, 15)} <= set(cuti)  # cuti bersama
    assert date(2027, 3, 8) in days  # Nyepi


def test_a_complaint_received_the_afternoon_before_idul_fitri_2027_is_due_after_the_holidays_and_cuti_bersama():
    # Tuesday 9 March 2027, 14:00 WIB: the eve of Idul Fitri is itself cuti bersama, so nothing counts until the
    # office opens again. Skipped: 9 (cuti bersama), 10-11 (Idul Fitri), 12 (cuti bersama), 13-14 (weekend),
    # 15 (cuti bersama). Day 0 is Tuesday 16 March; 3 working days end Friday 19, 5 end Tuesday 23 March.
    case = open_case(submitted(datetime(2027, 3, 9, 14, 0, tzinfo=WIB)), policy=POLICY)
    assert CAL.day_of_receipt(case.submitted_at) == date(2027, 3, 16)
    assert case.forward_due_at == end_of(date(2027, 3, 19))
    assert case.due_at == end_of(date(2027, 3, 23))


def test_the_last_working_afternoon_before_nyepi_and_idul_fitri_2027_counts_as_day_zero():
    # Friday 5 March 2027, 14:00 WIB (before the office closes at 16:00): day 0 is that Friday; then Nyepi (8),
    # cuti bersama (9), Idul Fitri (10, 11), cuti bersama (12), weekend, cuti bersama (15) are skipped.
    case = open_case(submitted(datetime(2027, 3, 5, 14, 0, tzinfo=WIB)), policy=POLICY)
    assert case.forward_due_at == end_of(date(2027, 3, 18))  # 16, 17, 18
    assert case.due_at == end_of(date(2027, 3, 22))  # 16, 17, 18, 19, 22
    late = open_case(submitted(datetime(2027, 3, 5, 16, 30, tzinfo=WIB)), policy=POLICY)
    assert late.forward_due_at == end_of(date(2027, 3, 19))  # after hours: day 0 is Tuesday 16 March


def test_a_category_can_carry_its_own_deadlines():
    rules = RoutingTable([*SEED_RULES, Rule("pohon tumbang", "DLH", forward_days=1, follow_up_days=2)])
    case = open_case(submitted(datetime(2026, 11, 23, 9, 0, tzinfo=WIB), "Pohon Tumbang"),
                     policy=Policy(rules, CAL.add_working_days))
    assert (case.forward_due_at, case.due_at) == (end_of(date(2026, 11, 24)), end_of(date(2026, 11, 25)))


def test_warning_breach_and_escalation_up_the_chain_fall_on_working_days():
    case = open_case(submitted(datetime(2027, 3, 5, 14, 0, tzinfo=WIB)), policy=POLICY)
    marks = [m for m in plan(case.status, case.opd, case.deadlines, CAL) if m.stage is SlaStage.FORWARD]
    assert [(m.level, m.at, m.escalated_to) for m in marks] == [
        (0, datetime(2027, 3, 18, tzinfo=WIB), None),  # the start of the last working day
        (1, end_of(date(2027, 3, 18)), "KEPALA-DPUPR"),
        (2, end_of(date(2027, 3, 19)), "SEKDA"),
        (3, end_of(date(2027, 3, 22)), "WALIKOTA"),  # the weekend does not count
    ]


def test_a_late_check_sends_the_breaches_due_but_no_stale_warning():
    case = open_case(submitted(datetime(2027, 3, 5, 14, 0, tzinfo=WIB)), policy=POLICY)
    marks = plan(case.status, case.opd, case.deadlines, CAL)
    at = datetime(2027, 3, 20, 12, 0, tzinfo=WIB)  # the Saturday after: forward breached twice
    keys = [m.key for m in due_now(marks, at)]
    assert keys == ["forward:1", "forward:2"]
    assert next_check(marks, at) == datetime(2027, 3, 22, tzinfo=WIB)  # the follow-up warning
    assert [m.key for m in due_now(marks, datetime(2027, 3, 18, 8, 0, tzinfo=WIB))] == ["forward:0"]


def test_a_case_saved_with_a_mark_already_past_is_checked_at_once_else_at_its_next_mark():
    # a backlog's old case, or a move between a deadline and the checker's pass: its breach is not skipped
    case = open_case(submitted(datetime(2027, 3, 5, 14, 0, tzinfo=WIB)), policy=POLICY)
    marks = plan(case.status, case.opd, case.deadlines, CAL)
    late = datetime(2027, 4, 30, 12, 0, tzinfo=WIB)  # every mark past: next_check alone would never look again
    assert next_check(marks, late) is None and first_check(marks, late) == late
    early = datetime(2027, 3, 8, tzinfo=WIB)
    assert first_check(marks, early) == next_check(marks, early) == datetime(2027, 3, 18, tzinfo=WIB)


def test_a_clock_stops_when_its_stage_is_met_and_restarts_on_reopening():
    case = open_case(submitted(datetime(2027, 3, 5, 14, 0, tzinfo=WIB)), policy=POLICY)
    forwarded = move(case, CaseStatus.DISPOSITIONED, datetime(2027, 3, 16, 9, tzinfo=WIB), policy=POLICY)
    assert {m.stage for m in plan(forwarded.status, forwarded.opd, forwarded.deadlines, CAL)} == {SlaStage.FOLLOW_UP}
    done = move(forwarded, CaseStatus.IN_PROGRESS, datetime(2027, 3, 17, 9, tzinfo=WIB), policy=POLICY)
    assert plan(done.status, done.opd, done.deadlines, CAL) == [] and done.current_due_at is None
    resolved = move(done, CaseStatus.RESOLVED, datetime(2027, 3, 18, 9, tzinfo=WIB), policy=POLICY)
    reopened = move(resolved, CaseStatus.REOPENED, datetime(2027, 3, 29, 9, tzinfo=WIB), policy=POLICY)
    assert reopened.sla_round == 1 and reopened.forward_due_at == end_of(date(2027, 4, 1))


def test_an_escalation_says_so_in_the_timeline_and_keeps_the_status():
    case = open_case(submitted(datetime(2027, 3, 5, 14, 0, tzinfo=WIB)), policy=POLICY)
    at = end_of(date(2027, 3, 19)) + timedelta(seconds=1)
    up = escalate(case, at, 2, "SEKDA", SlaStage.FORWARD)
    assert (up.status, up.revision, up.escalation_level, up.escalated_to) == ("received", 2, 2, "SEKDA")
    assert up.timeline[-1].note == "Batas waktu penerusan ke OPD terlewati; dieskalasi ke SEKDA"
