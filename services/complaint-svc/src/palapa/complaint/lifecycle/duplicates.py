"""Possible duplicates (pure): a new case in the same category, near an open one in place and time, is flagged
and linked to it, never merged (an officer decides; `duplicate` is then a status with its original)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from math import asin, cos, radians, sin, sqrt

from ..routing.domain import normalise_category
from .domain import Case

#: How close a point must be (metres), and how recent the open case (a pothole reported twice in three days).
NEAR_METRES = 150.0
WITHIN = timedelta(days=3)


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    dlat, dlon = radians(lat2 - lat1), radians(lon2 - lon1)
    a = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) ** 2
    return 2 * 6_371_008.8 * asin(sqrt(a))


def has_place(case: Case) -> bool:
    return (case.latitude is not None and case.longitude is not None) or case.kelurahan is not None


def same_place(new: Case, old: Case, near: float = NEAR_METRES) -> bool:
    """Both points known: within `near` metres; else the same kelurahan (case-insensitive)."""
    if None not in (new.latitude, new.longitude, old.latitude, old.longitude):
        return metres(new.latitude, new.longitude, old.latitude, old.longitude) <= near
    return new.kelurahan is not None and (old.kelurahan or "").lower() == new.kelurahan.lower()


def original_of(new: Case, candidates: Iterable[Case], within: timedelta = WITHIN) -> str | None:
    """The ticket of the earliest open case `new` may repeat, or None."""
    key = normalise_category(new.category)
    if key is None or not has_place(new):
        return None
    for old in sorted(candidates, key=lambda c: (c.submitted_at, c.ticket)):
        if (old.ticket != new.ticket and not old.closed and normalise_category(old.category) == key
                and timedelta(0) <= new.submitted_at - old.submitted_at <= within and same_place(new, old)):
            return old.ticket
    return None
