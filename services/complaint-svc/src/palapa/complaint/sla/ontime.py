"""Each OPD's on-time rate by week (pure): of the cases whose handling ended in a week, how many ended by their
follow-up deadline.

A case's handling ends when it enters a status no longer open (resolved, closed, rejected, not our remit,
duplicate) and stays out of the open ones: resolved then closed ends at the resolution; a case reopened and ended
again ends the second time (its deadline restarted with the reopening), and one open again now has not ended.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from palapa.contracts.events import CASE_STATUS_KIND, CaseStatus, StatusKind

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Week:
    starts: datetime
    closed: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return round(self.on_time / self.closed, 3) if self.closed else None


@dataclass(frozen=True)
class OnTime:
    """One OPD over the window: its weeks, oldest first, and their sum."""

    opd: str
    weeks: tuple[Week, ...]

    @property
    def closed(self) -> int:
        return sum(w.closed for w in self.weeks)

    @property
    def on_time(self) -> int:
        return sum(w.on_time for w in self.weeks)

    @property
    def rate(self) -> float | None:
        return round(self.on_time / self.closed, 3) if self.closed else None


def ended_at(steps: Sequence[tuple[CaseStatus, datetime]]) -> datetime | None:
    """When the case's handling ended (the first step of its last stretch out of the open statuses), or None."""
    ended = None
    for status, at in steps:
        if CASE_STATUS_KIND[status] is StatusKind.OPEN:
            ended = None
        elif ended is None:
            ended = at
    return ended


def window(until: datetime, weeks: int) -> list[datetime]:
    """The starts of the `weeks` weeks of seven days ending at `until`, oldest first."""
    return [until - WEEK * (weeks - i) for i in range(weeks)]


def on_time_rates(cases: Iterable[tuple[str, datetime, Sequence[tuple[CaseStatus, datetime]]]], until: datetime,
                  weeks: int = 4) -> list[OnTime]:
    """(opd, follow-up deadline, timeline steps) per case → each OPD's weeks in the window ending at `until`, by
    OPD code. An OPD with no case ended in the window is left out."""
    starts = window(until, weeks)
    counts: dict[str, list[list[int]]] = {}
    for opd, due_at, steps in cases:
        end = ended_at(steps)
        if end is None or not starts[0] <= end < until:
            continue
        week = min(int((end - starts[0]) / WEEK), weeks - 1)
        tally = counts.setdefault(opd, [[0, 0] for _ in starts])[week]
        tally[0] += 1
        tally[1] += end <= due_at
    return [OnTime(opd, tuple(Week(s, c, o) for s, (c, o) in zip(starts, tallies, strict=True)))
            for opd, tallies in sorted(counts.items())]
