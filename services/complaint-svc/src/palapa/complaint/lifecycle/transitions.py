"""The canonical case lifecycle (pure): which status may follow which, and each channel's codes in the set.

Statuses are typed as FixMyStreet types its states (contracts.CASE_STATUS_KIND): open, fixed, closed.
A channel may skip steps of the main line (a legacy app has no "dispositioned": its OPD is the app's owner),
but nothing moves back except through "reopened".
"""

from __future__ import annotations

from palapa.contracts.events import CASE_STATUS_KIND, CaseStatus, ComplaintStatus, StatusKind

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


# --- channels: each one's own codes → the canonical set ------------------------------------------------------

#: Curhat Ning Ita's codes (libs/curhat-legacy codes.py: stages 0, 1, 2, 3, 9 and the words older screens wrote),
#: compared trimmed, lower-case, single-spaced. "1 diverifikasi" is checked by the mayor's desk; the OPD is
#: the one the app routes to, so the case's next step there is "proses" (in progress).
CURHAT_CODES: dict[str, CaseStatus] = {
    "0": S.RECEIVED, "baru": S.RECEIVED,
    "1": S.VERIFIED, "verifikasi": S.VERIFIED, "diverifikasi": S.VERIFIED,
    "2": S.IN_PROGRESS, "proses": S.IN_PROGRESS, "diproses": S.IN_PROGRESS, "tindak lanjut": S.IN_PROGRESS,
    "3": S.RESOLVED, "selesai": S.RESOLVED,
    "9": S.REJECTED, "tolak": S.REJECTED, "ditolak": S.REJECTED,
}
CHANNEL_CODES: dict[str, dict[str, CaseStatus]] = {"curhat-ning-ita": CURHAT_CODES}


def channel_status(source_app: str, legacy_status: str | None, v1_status: ComplaintStatus) -> CaseStatus:
    """The canonical status of a channel's event: its own code when the table knows it, else the v1 status
    the bridge set (v1 values are v2 values)."""
    codes = CHANNEL_CODES.get(source_app)
    if codes is not None and legacy_status is not None:
        known = codes.get(" ".join(legacy_status.split()).lower())
        if known is not None:
            return known
    return CaseStatus(v1_status.value)
