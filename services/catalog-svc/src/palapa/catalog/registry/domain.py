"""The registry of the city's apps, and whether each app's bridge is alive (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

Audience = Literal["warga", "pegawai"]
AppStatus = Literal["aktif", "tidak aktif", "dilebur"]
Liveness = Literal["hidup", "tidak ada kabar", "tanpa bridge"]
#: service app for the public, internal tool of the administration, profile website
Kind = Literal["layanan publik", "administrasi pemerintahan", "website profil"]
Lifecycle = Literal["aktif", "dorman", "pensiun"]
Tier = Literal["terhubung", "tautan"]  # bridged into the platform, or listed with a link out

AUDIENCES: tuple[str, ...] = ("warga", "pegawai")
STATUSES: tuple[str, ...] = ("aktif", "tidak aktif", "dilebur")
KINDS: tuple[str, ...] = ("layanan publik", "administrasi pemerintahan", "website profil")
LIFECYCLES: tuple[str, ...] = ("aktif", "dorman", "pensiun")
TIERS: tuple[str, ...] = ("terhubung", "tautan")
SUPER_APPS: tuple[str, ...] = ("wargaku", "kantorku")
APP_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
#: A bridge is alive while its last heartbeat is younger than this many heartbeat intervals.
MISSED_BEATS = 3
DEFAULT_HEARTBEAT_SECONDS = 10.0
MAX_QUERY_LENGTH = 100
MAX_OPD_LENGTH = 64


class InvalidAppError(ValueError):
    """An app record that cannot be in the catalog (the message says why)."""


class BadSearchError(ValueError):
    """A search parameter the catalog cannot use: `reason` for programs, `detail` in Bahasa Indonesia."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def check_search(q: str | None, opd: str | None, audience: str | None) -> None:
    """Refuse a search the catalog would not answer sensibly; BadSearchError names the first bad parameter."""
    if audience is not None and audience not in AUDIENCES:
        raise BadSearchError("invalid_audience", "audience harus 'warga' atau 'pegawai'")
    if q is not None and len(q) > MAX_QUERY_LENGTH:
        raise BadSearchError("invalid_query", f"Teks pencarian paling banyak {MAX_QUERY_LENGTH} karakter")
    if opd is not None and len(opd) > MAX_OPD_LENGTH:
        raise BadSearchError("invalid_opd", f"Kode OPD paling banyak {MAX_OPD_LENGTH} karakter")


@dataclass(frozen=True)
class App:
    """One of the city's apps: who runs it, for whom, and whether a bridge connects it to Palapa."""

    app_id: str
    name: str
    opd: str
    audience: Audience
    channel: str
    status: AppStatus
    description: str
    folds_into: str | None = None
    bridge: str | None = None
    heartbeat_seconds: float | None = None
    # the census's classification (None for an app not yet classified, e.g. the seeded pilot apps)
    kind: Kind | None = None
    field: str | None = None
    lifecycle: Lifecycle = "aktif"
    url: str | None = None
    super_app: str | None = None  # the consolidation target: which super-app, and which cluster in it
    cluster: str | None = None

    @property
    def tier(self) -> Tier:
        """Bridged into the platform when a bridge speaks for it, else listed with a link out."""
        return "terhubung" if self.bridge else "tautan"

    def __post_init__(self) -> None:
        if not APP_ID.fullmatch(self.app_id):
            raise InvalidAppError(f"app_id {self.app_id!r}: lower-case letters, digits and '-'")
        if self.audience not in AUDIENCES:
            raise InvalidAppError(f"{self.app_id}: audience must be one of {AUDIENCES}")
        if self.status not in STATUSES:
            raise InvalidAppError(f"{self.app_id}: status must be one of {STATUSES}")
        if (self.status == "dilebur") != (self.folds_into is not None):
            raise InvalidAppError(f"{self.app_id}: folds_into is set exactly when the status is 'dilebur'")
        if self.heartbeat_seconds is not None and self.heartbeat_seconds <= 0:
            raise InvalidAppError(f"{self.app_id}: heartbeat_seconds must be positive")
        if self.kind is not None and self.kind not in KINDS:
            raise InvalidAppError(f"{self.app_id}: kind must be one of {KINDS}")
        if self.lifecycle not in LIFECYCLES:
            raise InvalidAppError(f"{self.app_id}: lifecycle must be one of {LIFECYCLES}")
        if self.super_app is not None and self.super_app not in SUPER_APPS:
            raise InvalidAppError(f"{self.app_id}: super_app must be one of {SUPER_APPS}")
        if (self.super_app is None) != (self.cluster is None):
            raise InvalidAppError(f"{self.app_id}: super_app and cluster are set together")


@dataclass(frozen=True)
class BridgeState:
    """What the catalog last heard from an app's bridge."""

    app_id: str
    bridge: str | None = None
    last_heartbeat_at: datetime | None = None
    last_change_seen: datetime | None = None
    lag_seconds: float | None = None
    rows_translated: int = 0
    rows_quarantined: int = 0
    quarantined: int = 0  # RowQuarantined events counted by the catalog
    last_quarantine_reason: str | None = None
    last_quarantine_at: datetime | None = None
    legacy_mismatches: int | None = None  # what the bridge's last reconcile sweep found differing
    last_sweep_at: datetime | None = None


def liveness(
    app: App, state: BridgeState | None, now: datetime, *, default_heartbeat_seconds: float = DEFAULT_HEARTBEAT_SECONDS
) -> Liveness:
    """'hidup' when the last heartbeat is younger than 3 intervals; 'tanpa bridge' when no bridge is known."""
    heard = state is not None and state.last_heartbeat_at is not None
    if app.bridge is None and not heard:
        return "tanpa bridge"
    if not heard:
        return "tidak ada kabar"
    interval = app.heartbeat_seconds or default_heartbeat_seconds
    age = now - state.last_heartbeat_at
    return "hidup" if age < timedelta(seconds=MISSED_BEATS * interval) else "tidak ada kabar"


def matches(app: App, q: str | None = None, opd: str | None = None, audience: str | None = None) -> bool:
    """True when the app fits every filter given; `q` searches name, description and OPD ignoring case."""
    if opd is not None and app.opd.casefold() != opd.strip().casefold():
        return False
    if audience is not None and app.audience != audience:
        return False
    if q is not None and q.strip():
        needle = " ".join(q.split()).casefold()
        haystack = " ".join(" ".join((app.name, app.description, app.opd)).split()).casefold()
        return needle in haystack
    return True


def search(apps: Iterable[App], q: str | None = None, opd: str | None = None, audience: str | None = None) -> list[App]:
    """The apps matching the filters, by name."""
    return sorted((a for a in apps if matches(a, q, opd, audience)), key=lambda a: a.name.casefold())
