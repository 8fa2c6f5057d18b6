"""What Si Makel's status codes mean (the legacy truth), pure: stdlib and contracts only.

`STATUS_CODES` is the one table of what a Si Makel code means as a canonical request status: bridge-simakel
decides the status it publishes from it, and `./palapa reconcile` compares tracking-svc's tickets with it. A request
moves 0 → 1 → 2 → 3 → 4, or to 9 (refused); older kelurahan screens wrote the stage's word instead of its code.
"""

from __future__ import annotations

import re

from palapa.contracts.events import RequestStatus

S = RequestStatus
# The app's codes, and the words older screens wrote (compared trimmed, lower-case, single-spaced)
STATUS_CODES: dict[str, RequestStatus] = {
    "0": S.SUBMITTED, "baru": S.SUBMITTED, "diajukan": S.SUBMITTED,
    "1": S.VERIFIED, "verifikasi": S.VERIFIED, "diverifikasi": S.VERIFIED,
    "2": S.IN_PROGRESS, "proses": S.IN_PROGRESS, "diproses": S.IN_PROGRESS,
    "3": S.READY, "siap diambil": S.READY, "siap ambil": S.READY,
    "4": S.COMPLETED, "selesai": S.COMPLETED, "diambil": S.COMPLETED,
    "9": S.REJECTED, "ditolak": S.REJECTED, "tolak": S.REJECTED,
}
# control characters and lone surrogates an old PC's encoding leaves in a value: dropped before comparing
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def canonical_status(code: str | None) -> RequestStatus | None:
    """The canonical status a Si Makel code (or word) means, None when the app would not know it."""
    if code is None:
        return None
    return STATUS_CODES.get(" ".join(UNPRINTABLE.sub("", code).split()).lower())
