"""The app's status codes and date formats: what each code means in its workflow (the legacy truth).

`STATUS_CODES` is the one table of what a Curhat Ning Ita code means as a canonical case status: bridge-curhat
decides the status it publishes from it, and the chaos check and `./palapa reconcile` compare the platform's views
with it. Stages 0, 1, 2, 3, 9 are the app's own workflow: "1 diverifikasi" is checked by the mayor's desk, the OPD
is the one the app routes to, so the next step there is "2 proses" (in progress).
"""

from __future__ import annotations

from palapa.contracts.events import CaseStatus

S = CaseStatus
# The app's codes and the words older screens wrote, compared trimmed, lower-case and single-spaced.
STATUS_CODES: dict[str, CaseStatus] = {
    "0": S.RECEIVED, "baru": S.RECEIVED,
    "1": S.VERIFIED, "verifikasi": S.VERIFIED, "diverifikasi": S.VERIFIED,
    "2": S.IN_PROGRESS, "proses": S.IN_PROGRESS, "diproses": S.IN_PROGRESS, "tindak lanjut": S.IN_PROGRESS,
    "3": S.RESOLVED, "selesai": S.RESOLVED,
    "9": S.REJECTED, "tolak": S.REJECTED, "ditolak": S.REJECTED,
}
#: The other way (bridge-curhat writes a portal staff move into the row): the code the app's screens write for each
#: canonical status. The app has no disposition, closing or reopening of its own: each takes the code nearest in
#: meaning, of the same kind (open, fixed, closed unfixed); a move between two statuses of one code writes nothing.
CODES_FOR: dict[CaseStatus, str] = {
    S.RECEIVED: "0", S.VERIFIED: "1", S.DISPOSITIONED: "1", S.IN_PROGRESS: "2", S.REOPENED: "2",
    S.RESOLVED: "3", S.CLOSED: "3", S.REJECTED: "9", S.NOT_OUR_REMIT: "9", S.DUPLICATE: "9",
}
STAGES: dict[CaseStatus, int] = {S.RECEIVED: 0, S.VERIFIED: 1, S.IN_PROGRESS: 2, S.RESOLVED: 3, S.REJECTED: 9}
# How the app's screens spell each stage (the simulator writes these; every one is in STATUS_CODES)
STATUS_VARIANTS: dict[int, tuple[str, ...]] = {
    0: ("baru", "Baru", "BARU "),
    1: ("diverifikasi", "Verifikasi", "DIVERIFIKASI", "Diverifikasi"),
    2: ("proses", "Proses", "diproses", "Tindak Lanjut", "tindak lanjut"),
    3: ("selesai", "SELESAI ", "Selesai"),
    9: ("tolak", "ditolak", "Ditolak "),
}
OPEN_STAGES = (0, 1, 2)

DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M")


def canonical_status(code: str | None) -> CaseStatus | None:
    """The canonical status a legacy code means, case- and whitespace-insensitively; None when the app would not
    know it."""
    if code is None:
        return None
    return STATUS_CODES.get(" ".join(code.split()).lower())


def stage_of(code: str | None) -> int | None:
    """The workflow stage (0, 1, 2, 3, 9) of a legacy status code, None when the app would not know it."""
    status = canonical_status(code)
    return None if status is None else STAGES[status]
