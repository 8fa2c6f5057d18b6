"""The canonical case lifecycle (pure): which status may follow which when staff, a citizen or Open311 move a case.

Statuses are typed as FixMyStreet types its states (contracts.CASE_STATUS_KIND): open, fixed, closed.
A channel may skip steps of the main line (a legacy app has no "dispositioned": its OPD is the app's owner),
but nothing moves back except through "reopened". What a channel's own codes mean is decided by its bridge (e.g.
bridge-curhat's STATUS_CODES); a legacy app's own moves that this table refuses are corrections (intake.py).
"""

from __future__ import annotations

from palapa.contracts.events import CASE_STATUS_KIND, CaseStatus, StatusKind

S = CaseStatus
#: The main line; a case moves forward along it, possibly skipping steps.
MAIN_LINE = (S.RECEIVED, S.VERIFIED, S.DISPOSITIONED, S.IN_PROGRESS, S.RESOLVED, S.CLOSED)
#: Ways a case ends without a fix; each may be reopened.
SIDE_EXITS = (S.REJECTED, S.NOT_OUR_REMIT, S.DUPLICATE)

_OPEN_NEXT = (S.VERIFIED, S.DISPOSITIONED, S.IN_PROGRESS, S.RESOLVED, *SIDE_EXITS)
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.RECEIVED: frozenset(_OPEN_NEXT),
    S.VERIFIED: frozenset({S.DISPOSITIONED, S.IN_PROGRESS, S.RESOLVED, *SIDE_EXITS}),
    S.DISPOSITIONED: frozenset({S.IN_PROGRESS, S.RESOLVED, *SIDE_EXITS}),
    S.IN_PROGRESS: frozenset({S.RESOLVED, S.REJECTED, S.NOT_OUR_REMIT}),
    S.RESOLVED: frozenset({S.CLOSED, S.REOPENED}),
    S.CLOSED: frozenset({S.REOPENED}),
    S.REJECTED: frozenset({S.REOPENED}),
    # the responsible party may turn out to be another OPD of the city: forward it there
    S.NOT_OUR_REMIT: frozenset({S.REOPENED, S.DISPOSITIONED}),
    S.DUPLICATE: frozenset({S.REOPENED}),
    S.REOPENED: frozenset(_OPEN_NEXT),
}


def is_open(status: CaseStatus) -> bool:
    return CASE_STATUS_KIND[status] is StatusKind.OPEN


def refusal(current: CaseStatus, wanted: CaseStatus) -> str | None:
    """Why `current` cannot move to `wanted` (None when it can)."""
    if wanted in TRANSITIONS[current]:
        return None
    allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current]))
    return f"illegal transition {current.value} -> {wanted.value} (from {current.value}: {allowed})"
