"""Deadline clocks of a case and their escalation (pure): what is due to be emitted by a given time.

SP4N-LAPOR!'s two clocks both start at receipt (or at a reopening): the case must be verified and forwarded
to an OPD (stage `forward`, 3 working days by default) and followed up by it (stage `follow_up`, 5). A stage
nearing its deadline gets one SlaWarning (from the start of its last working day); past it, one SlaBreached
at level 1 (the OPD's head), then one per further working day up the chain: level 2 Sekda, level 3 Wali Kota.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from typing import Protocol

from palapa.contracts.events import CaseStatus, SlaStage

S = CaseStatus
#: Who a breach of level n goes to (level 1: the OPD's own head, named by the case's OPD).
CHAIN = ("OPD", "SEKDA", "WALIKOTA")
#: Statuses in which each clock still runs (a later status met it, or the case ended).
RUNNING: dict[SlaStage, frozenset[CaseStatus]] = {
    SlaStage.FORWARD: frozenset({S.RECEIVED, S.VERIFIED, S.REOPENED}),
    SlaStage.FOLLOW_UP: frozenset({S.RECEIVED, S.VERIFIED, S.DISPOSITIONED, S.REOPENED}),
}


class Calendar(Protocol):
    tz: tzinfo

    def next_working_day(self, day: date) -> date: ...


@dataclass(frozen=True)
class Mark:
    """One warning (level 0) or breach (level >= 1) of a stage, and when it falls due."""

    stage: SlaStage
    level: int
    due_at: datetime
    at: datetime
    escalated_to: str | None = None

    @property
    def key(self) -> str:
        return f"{self.stage.value}:{self.level}"


def escalated_to(opd: str, level: int) -> str:
    return f"KEPALA-{opd}" if level == 1 else CHAIN[level - 1]


def plan(status: CaseStatus, opd: str, deadlines: dict[SlaStage, datetime], calendar: Calendar) -> list[Mark]:
    """Every mark of the stages still running, in time order."""
    marks = []
    for stage, due in deadlines.items():
        if status not in RUNNING[stage]:
            continue
        local = due.astimezone(calendar.tz)
        marks.append(Mark(stage, 0, due, datetime.combine(local.date(), time.min, tzinfo=calendar.tz)))
        day = local.date()
        for level in range(1, len(CHAIN) + 1):
            # level 1 right after the deadline; each further level at the end of one more working day
            at = due if level == 1 else datetime.combine(day, time.max, tzinfo=calendar.tz)
            marks.append(Mark(stage, level, due, at, escalated_to(opd, level)))
            day = calendar.next_working_day(day)
    return sorted(marks, key=lambda m: (m.at, m.level))


def due_now(marks: list[Mark], now: datetime) -> list[Mark]:
    """The marks past by `now`; a warning overtaken by its breach is left out (a late check sends no stale warning)."""
    past = [m for m in marks if m.at < now]
    breached = {m.stage for m in past if m.level >= 1}
    return [m for m in past if m.level >= 1 or m.stage not in breached]


def next_check(marks: list[Mark], now: datetime) -> datetime | None:
    """When the checker must look at the case again (None: no clock runs)."""
    later = [m.at for m in marks if m.at >= now]
    return min(later) if later else None


def first_check(marks: list[Mark], now: datetime) -> datetime | None:
    """When the checker must look at a case saved outside it (opened, moved): now when a mark is already past (a
    backlog's old case, or a move landing between a deadline and the checker's pass; the checker emits only what
    `sla_marks` does not hold yet), else the next mark."""
    return now if any(m.at < now for m in marks) else next_check(marks, now)
