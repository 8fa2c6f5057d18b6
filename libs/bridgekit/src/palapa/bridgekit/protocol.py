"""The bridge protocol, pure (stdlib and contracts only): what a bridge's `translate.py` speaks to the kit.

- `SourceRecord`: one source row as the kit sees it; `LastState`: what the bridge last emitted for it.
- A translation answers `Translated` (events and the status emitted after them), `Quarantine` (why not) or
  `Deferred` (a pushed version it cannot order: the source's own order decides at the next poll).
- `fingerprint`: the digest of a whole row (same digest, same row), stored in row_state.
- `as_utc`: a source's naive local time as UTC, in the source's zone (WIB, WITA, WIT or an IANA name).

Every bridge's translate.py imports these (tests/architecture lets pure modules import this one).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from palapa.contracts.events import Event


@dataclass(frozen=True)
class LastState:
    """What the bridge last emitted for a source row: its status (None if only ever quarantined), the row's
    fingerprint and the source's change time of the version handled (None when not known)."""

    status: str | None
    fingerprint: str
    changed_at: datetime | None = None


@dataclass(frozen=True)
class SourceRecord:
    """One source row as the kit sees it; `item` is the source's own row, handed to its translation."""

    source_id: str
    fingerprint: str  # a digest of the whole row: same digest, same row
    status: str  # the source's own status text, kept in row_state
    changed_at: datetime  # the source's change time as read (row_state, quarantine)
    row: dict[str, str | None]  # every column as text, for the quarantine table (masked for the event)
    item: Any
    # True when changed_at orders a row's versions (a push source: webhooks arrive twice or out of order):
    # a record older than the version already handled is stale and changes nothing
    ordered: bool = False
    # True when the record came by push (webhook.push sets it): the source's own order among versions stamped
    # with the same change time is unknown (a poll of an ordered log knows it)
    pushed: bool = False


@dataclass(frozen=True)
class Translated:
    """What a record becomes: its events, and the status the bridge has emitted after them."""

    events: list[Event]
    status: str | None
    time: datetime | None = None  # the events' time (aware), None = now
    subject: str | None = None  # the events' key when it is not their ticket (e.g. a NOP)


@dataclass(frozen=True)
class Quarantine:
    """The record cannot be translated; `reason` says precisely why (`<code>: <detail>`)."""

    reason: str


@dataclass(frozen=True)
class Deferred:
    """The record cannot be ordered against the version handled (a push stamped with the same time): nothing is
    emitted or stored, so the same version read later from the source's own order (a poll) is still handled."""

    reason: str


#: pure: a record and the last state of its source row → events and the new state, a quarantine, or deferred
Translate = Callable[[SourceRecord, LastState | None], Translated | Quarantine | Deferred]

# --- the row fingerprint -------------------------------------------------------------------------------------
#: How a row is serialised before hashing. "json" is the one for new bridges; the others are kept byte for byte
#: because row_state holds fingerprints made with them, and a different digest for the same row would make a
#: bridge handle every row again after an upgrade (bridge-pbb would announce every payment twice).
Encoding = Literal["json", "json-ascii", "json-compact", "repr-items"]


def _serialise(value: Any, encoding: Encoding) -> str:
    if encoding == "json":  # bridge-psc119, bridge-cctv
        return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    if encoding == "json-ascii":  # bridge-curhat, bridge-simakel (non-ASCII escaped as \\uXXXX)
        return json.dumps(value, sort_keys=True)
    if encoding == "json-compact":  # bridge-mapped (its rows are text already: as_text)
        return json.dumps(dict(sorted(value.items())), ensure_ascii=False, separators=(",", ":"))
    if encoding == "repr-items":  # bridge-pbb's payments
        return repr(sorted(value.items()))
    raise ValueError(f"unknown fingerprint encoding {encoding!r}")


def fingerprint(value: Any, encoding: Encoding = "json") -> str:
    """SHA-256 (hex) of the whole row: any JSON-able value (a dict of column texts, a list of rows).

    NULL differs from '' (null against ""); keys are sorted, so column order does not matter; a lone
    surrogate (from a JSON '\\ud800' escape) is hashed as it is instead of failing."""
    return hashlib.sha256(_serialise(value, encoding).encode("utf-8", "surrogatepass")).hexdigest()


# --- source time ---------------------------------------------------------------------------------------------
#: Indonesia's three zones, none with daylight saving: usable where the image has no tz database
ZONES: dict[str, tzinfo] = {
    "WIB": timezone(timedelta(hours=7), "WIB"),  # Sumatra, Java, West and Central Kalimantan
    "WITA": timezone(timedelta(hours=8), "WITA"),  # Bali, Nusa Tenggara, Sulawesi, East Kalimantan
    "WIT": timezone(timedelta(hours=9), "WIT"),  # Maluku, Papua
}
_IANA = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def source_zone(name: str) -> tzinfo:
    """The zone a source writes its local times in: 'WIB', 'WITA', 'WIT' or an IANA name; ValueError if unknown."""
    if name.upper() in ZONES:
        return ZONES[name.upper()]
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        if name in _IANA:
            return ZONES[_IANA[name]]
        raise ValueError(f"unknown time zone {name!r}") from exc


def as_utc(value: datetime, tz: tzinfo) -> datetime:
    """A source's time as an aware UTC time: a naive one is local time in `tz`, an aware one keeps its offset.

    Raises OverflowError for year-1 or year-9999 times that leave the calendar when shifted."""
    return (value.replace(tzinfo=tz) if value.tzinfo is None else value).astimezone(UTC)


def as_local(value: datetime, tz: tzinfo) -> datetime:
    """An aware time as the source's naive local time in `tz` (how a replay's 'since' meets its columns)."""
    return value.astimezone(tz).replace(tzinfo=None)
