"""Working days of a city hall in Indonesia: weekends, national holidays, cuti bersama and the city's closures.

A deadline of n working days follows SP4N-LAPOR!'s "n hari kerja": the day a complaint is received counts as
day 0 when it is a working day and the complaint arrives before the office closes; otherwise it counts as
received on the next working day. The deadline is the END (23:59:59.999999, local time) of the n-th working
day after day 0. Example: received Tuesday 2026-03-17 at 14:00 WIB, the working day before Nyepi and Idul
Fitri 1447 H; 18 (cuti bersama), 19 (Nyepi), 20 (cuti bersama), 21-22 (Idul Fitri), 23-24 (cuti bersama)
are skipped, so 5 working days end on Tuesday 2026-03-31 at 23:59:59 WIB.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo

import holidays

from palapa.kit.clock import zone

#: Indonesian government offices close at 16:00 (Monday to Thursday; 16:30 on Friday, kept simple here).
OFFICE_CLOSES = time(16, 0)
#: National holidays (public) and the cuti bersama joint leave days set each year by SKB 3 Menteri (government).
CATEGORIES = ("public", "government")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


class WorkCalendar:
    """Which days a city hall works, and the deadline n working days after a complaint is received."""

    def __init__(
        self, closures: Iterable[date] = (), *, tz: tzinfo | None = None, closes_at: time = OFFICE_CLOSES
    ) -> None:
        self.closures = frozenset(closures)
        self.tz = tz if tz is not None else zone("Asia/Jakarta")
        self.closes_at = closes_at
        # years are filled in lazily, on the first date of each year asked about
        self._holidays = holidays.country_holidays("ID", categories=CATEGORIES)

    def with_closures(self, closures: Iterable[date]) -> WorkCalendar:
        """The same calendar with the city's closures as now edited (the holiday tables are shared, not rebuilt)."""
        other = object.__new__(WorkCalendar)
        other.closures, other.tz = frozenset(closures), self.tz
        other.closes_at, other._holidays = self.closes_at, self._holidays
        return other

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday, not a national holiday, not cuti bersama, not one of the city's closures."""
        return day.weekday() < 5 and day not in self.closures and day not in self._holidays

    def why_closed(self, day: date) -> str | None:
        """Why no one works on `day` (None on a working day), for timelines and tests."""
        if day in self.closures:
            return "city closure"
        if day in self._holidays:
            return self._holidays.get(day)
        return "weekend" if day.weekday() >= 5 else None

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def day_of_receipt(self, received: datetime) -> date:
        """Day 0 of the count: the local day received, or the next working day if closed or after hours."""
        local = _local(received, self.tz)
        day = local.date()
        if not self.is_working_day(day) or local.time() >= self.closes_at:
            return self.next_working_day(day)
        return day

    def add_working_days(self, received: datetime, n: int) -> datetime:
        """The end of the n-th working day after the day of receipt, in the calendar's time zone."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"a deadline counts at least 1 working day, not {n!r}")
        day = self.day_of_receipt(received)
        for _ in range(n):
            day = self.next_working_day(day)
        return datetime.combine(day, time.max, tzinfo=self.tz)

    def deadline(self, n: int):
        """A `due(received) -> datetime` function of n working days, for the domain."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"a deadline counts at least 1 working day, not {n!r}")
        return lambda received: self.add_working_days(received, n)


def _local(at: datetime, tz: tzinfo) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"a time without zone cannot be placed on the calendar: {at.isoformat()}")
    return at.astimezone(tz)


def parse_closures(raw: str) -> tuple[date, ...]:
    """The city's closures from 'YYYY-MM-DD,YYYY-MM-DD'; ValueError names the first bad one."""
    days = []
    for part in raw.split(","):
        text = part.strip()
        if not text:
            continue
        try:
            # fromisoformat also takes '20260320' and week dates ('2026-W12-5'): insist on plain YYYY-MM-DD
            if not ISO_DATE.fullmatch(text):
                raise ValueError
            days.append(date.fromisoformat(text))
        except ValueError:
            raise ValueError(f"closure {text!r} is not a date in YYYY-MM-DD form") from None
    return tuple(sorted(set(days)))
