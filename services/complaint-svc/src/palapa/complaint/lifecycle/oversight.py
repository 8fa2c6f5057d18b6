"""What the city's desk and leaders do to a case besides moving it (pure): re-route it to another OPD with a
reason, and leave an instruction on an escalated case. Both keep the status and add a timeline entry."""

from __future__ import annotations

from datetime import datetime

from .domain import Case, RefusedError, note, tidy


def reroute(case: Case, opd: str, at: datetime, reason: str | None) -> Case:
    """The case sent to `opd`, the reason in its timeline. Its deadlines stay: a misrouted case is no reason to
    give the city more time. RefusedError for a closed case, the same OPD, or no reason."""
    why, to = tidy(reason), (opd or "").strip().upper()
    if why is None:
        raise RefusedError(f"{case.ticket}: re-routing needs its reason")
    if case.closed:
        raise RefusedError(f"{case.ticket}: a {case.status.value} case is not re-routed (reopen it first)")
    if not to or to == case.opd:
        raise RefusedError(f"{case.ticket}: already at {case.opd}")
    return note(case, at, f"Dialihkan dari {case.opd} ke {to}: {why}", opd=to)


def instruct(case: Case, at: datetime, text: str | None, by_title: str) -> Case:
    """The case with a leader's instruction (`by_title`: the role's title, never the person) in its timeline.
    RefusedError for a closed case or an empty instruction."""
    what = tidy(text)
    if what is None:
        raise RefusedError(f"{case.ticket}: an instruction cannot be blank")
    if case.closed:
        raise RefusedError(f"{case.ticket}: a {case.status.value} case takes no instruction")
    return note(case, at, f"Arahan {by_title}: {what}")
