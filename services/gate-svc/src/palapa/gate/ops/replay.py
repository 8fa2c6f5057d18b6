"""The replay form's checks (pure): the point in time an SRE typed, read in the city's zone, and the reason."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

#: the console's times are typed in the city's own zone (Mojokerto: WIB, UTC+7) and confirmed in UTC too
CITY_ZONE = timezone(timedelta(hours=7), "WIB")
APP_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class ReplayFormError(ValueError):
    """What is wrong with the form, in Bahasa Indonesia for the operator."""


def since_of(text: str, now: datetime) -> datetime:
    """`2026-12-07T08:00` (the form's datetime-local, WIB) or a time with its zone → an aware time, not later than
    `now`."""
    text = (text or "").strip()
    try:
        since = datetime.fromisoformat(text) if 0 < len(text) <= 40 else None
    except ValueError:
        since = None
    if since is None:
        raise ReplayFormError("Waktu mulai tidak terbaca; isi tanggal dan jam (WIB).")
    since = since if since.tzinfo else since.replace(tzinfo=CITY_ZONE)
    if since > now:
        raise ReplayFormError("Waktu mulai replay tidak boleh di masa depan.")
    return since


def why_of(text: str) -> str:
    why = " ".join((text or "").split())[:500]
    if len(why) < 3:
        raise ReplayFormError("Alasan replay wajib diisi (minimal 3 karakter); ia tercatat di audit log.")
    return why
