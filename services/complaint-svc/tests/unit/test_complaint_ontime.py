"""Each OPD's on-time rate by week: when a case's handling ended, and whether by its deadline (pure)."""

from datetime import UTC, datetime, timedelta

from palapa.complaint.sla.ontime import ended_at, on_time_rates, window
from palapa.contracts.events import CaseStatus

S = CaseStatus
UNTIL = datetime(2026, 12, 7, 12, tzinfo=UTC)
DAY = timedelta(days=1)


def at(days_ago: float) -> datetime:
    return UNTIL - DAY * days_ago


def test_handling_ends_at_the_first_step_of_the_last_stretch_out_of_the_open_statuses():
    assert ended_at([(S.RECEIVED, at(9)), (S.RESOLVED, at(5)), (S.CLOSED, at(4))]) == at(5)
    assert ended_at([(S.RECEIVED, at(9)), (S.REJECTED, at(8)), (S.REOPENED, at(7)), (S.RESOLVED, at(2))]) == at(2)
    assert ended_at([(S.RECEIVED, at(9)), (S.RESOLVED, at(8)), (S.REOPENED, at(7))]) is None
    assert ended_at([(S.RECEIVED, at(1))]) is None


def test_the_window_is_four_weeks_of_seven_days_back_from_now_oldest_first():
    assert window(UNTIL, 4) == [at(28), at(21), at(14), at(7)]


def test_rates_count_cases_ended_by_their_deadline_per_opd_and_week():
    cases = [
        ("DLH", at(3), [(S.RECEIVED, at(6)), (S.RESOLVED, at(4))]),  # the last week, on time
        ("DLH", at(5), [(S.RECEIVED, at(6)), (S.RESOLVED, at(4))]),  # late by a day
        ("DLH", at(15), [(S.RECEIVED, at(20)), (S.DUPLICATE, at(16))]),  # the second week, on time
        ("DISHUB", at(10), [(S.RECEIVED, at(12)), (S.IN_PROGRESS, at(11))]),  # still open: not counted
        ("DINKES", at(40), [(S.RECEIVED, at(45)), (S.RESOLVED, at(30))]),  # ended before the window
        ("DINKES", at(0), [(S.RECEIVED, at(2)), (S.CLOSED, at(0))]),  # ends at `until`: not yet in the window
    ]
    [dlh] = on_time_rates(cases, UNTIL, 4)
    assert (dlh.opd, dlh.closed, dlh.on_time, dlh.rate) == ("DLH", 3, 2, 0.667)
    assert [(w.closed, w.on_time, w.rate) for w in dlh.weeks] == [(0, 0, None), (1, 1, 1.0), (0, 0, None),
                                                                 (2, 1, 0.5)]
    assert [w.starts for w in dlh.weeks] == window(UNTIL, 4)


def test_a_case_ended_exactly_at_its_deadline_is_on_time_and_none_ended_means_no_opd():
    [one] = on_time_rates([("DLH", at(1), [(S.RESOLVED, at(1))])], UNTIL)
    assert (one.on_time, one.rate) == (1, 1.0)
    assert on_time_rates([], UNTIL) == []
