"""Deadlines in working days, as SP4N-LAPOR! counts them: weekends, holidays, cuti bersama and city closures skipped."""

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from palapa.complaint.settings import ComplaintSettings
from palapa.complaint.sla.workdays import WorkCalendar, parse_closures

WIB = timezone(timedelta(hours=7))
CALENDAR = WorkCalendar()


def wib(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=WIB)


def end_of(y, m, d) -> datetime:
    return datetime.combine(date(y, m, d), time.max, tzinfo=WIB)


def test_a_complaint_received_the_afternoon_before_idul_fitri_is_due_after_the_holidays_and_cuti_bersama():
    # Tuesday 2026-03-17 is the last working day: 18 cuti bersama (Nyepi), 19 Nyepi, 20 cuti bersama,
    # 21-22 Idul Fitri 1447 H (a weekend), 23-24 cuti bersama. Day 1 is Wednesday the 25th.
    assert [CALENDAR.why_closed(date(2026, 3, d)) is None for d in range(17, 26)] == [
        True, False, False, False, False, False, False, False, True]
    received = wib(2026, 3, 17, 14, 0)
    assert CALENDAR.add_working_days(received, 3) == end_of(2026, 3, 27)  # verified and forwarded
    assert CALENDAR.add_working_days(received, 5) == end_of(2026, 3, 31)  # followed up


def test_cuti_bersama_counts_as_a_holiday_not_only_the_national_ones():
    assert CALENDAR.why_closed(date(2026, 3, 20)) == "Eid al-Fitr Joint Holiday"
    assert CALENDAR.why_closed(date(2026, 3, 23)) == "Eid al-Fitr Joint Holiday"
    assert CALENDAR.why_closed(date(2026, 3, 24)) == "Eid al-Fitr Joint Holiday"


def test_a_weekend_is_skipped():
    # Thursday: Friday is day 1, Monday day 2, Tuesday day 3
    assert CALENDAR.add_working_days(wib(2026, 11, 19), 3) == end_of(2026, 11, 24)


def test_a_complaint_received_on_a_saturday_counts_from_monday():
    # Monday is day 0 (the day of receipt), so 3 working days end on Thursday
    assert CALENDAR.add_working_days(wib(2026, 11, 21, 9), 3) == end_of(2026, 11, 26)
    assert CALENDAR.add_working_days(wib(2026, 11, 21, 9), 3) == CALENDAR.add_working_days(wib(2026, 11, 23, 9), 3)


def test_a_complaint_received_after_office_hours_counts_from_the_next_working_day():
    assert CALENDAR.add_working_days(wib(2026, 11, 20, 15, 59), 1) == end_of(2026, 11, 23)
    assert CALENDAR.add_working_days(wib(2026, 11, 20, 16, 0), 1) == end_of(2026, 11, 24)


def test_a_city_closure_is_skipped_like_a_holiday():
    closed = WorkCalendar([date(2026, 11, 24)])
    assert closed.why_closed(date(2026, 11, 24)) == "city closure"
    assert closed.add_working_days(wib(2026, 11, 23), 1) == end_of(2026, 11, 25)


def test_the_day_is_the_day_in_wib_whatever_zone_the_time_comes_in():
    # 2026-11-22 20:00 UTC is Monday 03:00 WIB, before the office opens: Monday is day 0
    received = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)
    assert CALENDAR.add_working_days(received, 1) == end_of(2026, 11, 24)


@pytest.mark.parametrize("n", [0, -1, True, 2.5])
def test_a_deadline_counts_at_least_one_whole_working_day(n):
    with pytest.raises(ValueError, match="at least 1 working day"):
        CALENDAR.add_working_days(wib(2026, 11, 20), n)


def test_a_time_without_zone_is_refused():
    with pytest.raises(ValueError, match="without zone"):
        CALENDAR.add_working_days(datetime(2026, 11, 20, 10), 5)


def test_closures_are_read_from_a_comma_separated_list_of_iso_dates():
    assert parse_closures(" 2026-06-11, 2026-06-10,,2026-06-10 ") == (date(2026, 6, 10), date(2026, 6, 11))
    assert parse_closures("") == ()


@pytest.mark.parametrize("raw", ["2026-13-01", "20260610", "10/06/2026", "2026-W24-1", "besok", "２０２６-06-10"])
def test_a_closure_that_is_not_a_plain_iso_date_is_refused_with_its_value(raw):
    with pytest.raises(ValueError, match="is not a date in YYYY-MM-DD form"):
        parse_closures(f"2026-06-10,{raw}")


def test_the_settings_read_closures_and_refuse_the_old_calendar_day_setting(monkeypatch):
    monkeypatch.setenv("COMPLAINT_CLOSURES", "2026-06-10,2026-06-11")
    settings = ComplaintSettings()
    assert (settings.due_working_days, settings.closures) == (5, (date(2026, 6, 10), date(2026, 6, 11)))
    monkeypatch.setenv("COMPLAINT_CLOSURES", "2026-02-30")
    with pytest.raises(ValueError, match="'2026-02-30' is not a date"):
        ComplaintSettings()
    monkeypatch.setenv("COMPLAINT_CLOSURES", "")
    monkeypatch.setenv("COMPLAINT_DUE_DAYS", "5")
    with pytest.raises(ValueError, match="COMPLAINT_DUE_DAYS .* set COMPLAINT_DUE_WORKING_DAYS"):
        ComplaintSettings()
