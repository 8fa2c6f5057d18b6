"""The catalog (issue 10): changes to the registry of the city's apps."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from .base import DAY_MS, Event, Topic

__all__ = [
    "ACTOR_PATTERN", "AppChanged", "AppEntry", "AppMarkedDormant", "AppRegistered", "AppRetired", "FieldChange",
    "CATALOG_APPS",
]


#: Who changed an entry: an official's account name (letters, digits, '.', '_', '-'), never an e-mail or a NIK.
ACTOR_PATTERN = r"^[A-Za-z][A-Za-z0-9._-]{1,63}$"


class AppEntry(BaseModel):
    """An app's registry entry as the catalog publishes it (no personal data: apps, OPDs, fields)."""

    model_config = ConfigDict(frozen=True)

    app_id: str
    name: str
    opd: str
    url: str | None = None
    kind: str | None = Field(default=None, description="layanan publik, administrasi pemerintahan, website profil")
    audience: str = Field(description="warga (public) or pegawai (internal)")
    field: str | None = Field(default=None, description="Bidang layanan, e.g. kesehatan, kepegawaian")
    lifecycle: str = Field(description="aktif, dorman or pensiun")
    tier: str = Field(description="terhubung (bridged into the platform) or tautan (listed with a link out)")
    super_app: str | None = Field(default=None, description="wargaku or kantorku; none when kept or switched off")
    cluster: str | None = None


class FieldChange(BaseModel):
    """One field of an entry, before and after a change."""

    model_config = ConfigDict(frozen=True)

    before: str | float | None = None
    after: str | float | None = None


class AppRegistered(Event):
    """An app entered the catalog (seed, census import, API)."""

    event_type: ClassVar[str] = "palapa.catalog.app_registered.v1"
    version: ClassVar[int] = 1

    app_id: str = Field(min_length=1, description="The key of the catalog's topic (the entry's own id)")
    app: AppEntry
    revision: int = Field(ge=1, description="The entry's revision: 1 here, +1 with every later change")
    actor: str = Field(pattern=ACTOR_PATTERN)
    reason: str = Field(min_length=1, max_length=500)
    at: datetime


class AppChanged(Event):
    """Fields of an app's entry changed: each with its value before and after, who changed it and why."""

    event_type: ClassVar[str] = "palapa.catalog.app_changed.v1"
    version: ClassVar[int] = 1

    app_id: str
    revision: int = Field(ge=1)
    changes: dict[str, FieldChange]
    app: AppEntry = Field(description="The entry after the change")
    actor: str = Field(pattern=ACTOR_PATTERN)
    reason: str = Field(min_length=1, max_length=500)
    at: datetime


class AppMarkedDormant(Event):
    """A bridged app was silent (no heartbeat, no event) too long: a dormant candidate awaiting a person's decision."""

    event_type: ClassVar[str] = "palapa.catalog.app_marked_dormant.v1"
    version: ClassVar[int] = 1

    app_id: str
    revision: int = Field(ge=1)
    last_heartbeat_at: datetime | None = None
    last_event_at: datetime | None = None
    silent_since: datetime = Field(description="The latest sign of life (or when the catalog began watching)")
    threshold_days: float = Field(gt=0)
    actor: str = Field(pattern=ACTOR_PATTERN)
    at: datetime


class AppRetired(Event):
    """A person confirmed an app is retired (switched off for good)."""

    event_type: ClassVar[str] = "palapa.catalog.app_retired.v1"
    version: ClassVar[int] = 1

    app_id: str
    revision: int = Field(ge=1)
    previous_lifecycle: str
    actor: str = Field(pattern=ACTOR_PATTERN)
    reason: str = Field(min_length=1, max_length=500)
    at: datetime


# --- The topics these events travel on ----------------------------------------------------------------------

#: The catalog's registry changes, in order per app (key app_id), for services and frontends that follow it.
CATALOG_APPS = Topic(
    name="palapa.catalog.apps.v1",
    partitions=2,
    key="app_id",
    events=(AppRegistered, AppChanged, AppMarkedDormant, AppRetired),
    config={"cleanup.policy": "delete", "retention.ms": str(365 * DAY_MS)},
)

#: The topics declared here, each with its events: palapa.contracts.topics gathers every domain's.
TOPICS = (CATALOG_APPS,)
