"""Time zones of the legacy apps, also where the image has no tz database."""

from __future__ import annotations

from datetime import timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# WIB has been UTC+7 without DST since 1964: usable when the image has no tz database
FIXED_ZONES = {"Asia/Jakarta": timezone(timedelta(hours=7), "WIB")}


def zone(name: str) -> tzinfo:
    """The tzinfo of an IANA zone name; ValueError if unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        if name in FIXED_ZONES:
            return FIXED_ZONES[name]
        raise ValueError(f"unknown time zone {name!r}") from exc
