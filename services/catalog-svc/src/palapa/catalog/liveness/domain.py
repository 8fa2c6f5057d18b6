"""Signs of life, when a bridged app counts as dormant, and when it is alive again (pure).

An app the platform can observe (bridged: a bridge speaks for it) that sent no heartbeat and no domain event for
the threshold becomes a dormant candidate, with its evidence. Only a person retires it (POST /apps/{id}/retire);
a fresh sign of life makes it active again. Apps listed with a link out cannot be observed, so they are never marked.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..registry.changes import SYSTEM_ACTOR, Change
from ..registry.domain import App


@dataclass(frozen=True)
class Sign:
    """An app showed life at `at` (a heartbeat from `bridge`, or a domain event of type `what`)."""

    app_id: str
    at: datetime
    what: str
    bridge: str | None = None


@dataclass(frozen=True)
class Signs:
    """The latest signs of life the catalog holds for an app, and since when it watches it."""

    last_heartbeat_at: datetime | None
    last_event_at: datetime | None
    watched_since: datetime

    @property
    def latest(self) -> datetime:
        return max(t for t in (self.last_heartbeat_at, self.last_event_at, self.watched_since) if t is not None)


def is_silent(app: App, signs: Signs, now: datetime, threshold: timedelta) -> bool:
    """An active bridged app with no sign of life for at least `threshold`."""
    return app.lifecycle == "aktif" and app.tier == "terhubung" and now - signs.latest >= threshold


def mark_dormant(app: App, signs: Signs, now: datetime, threshold: timedelta) -> Change:
    days = threshold.total_seconds() / 86400
    evidence = {"last_heartbeat_at": signs.last_heartbeat_at, "last_event_at": signs.last_event_at,
                "silent_since": signs.latest, "threshold_days": days}
    return Change(app, dataclasses.replace(app, lifecycle="dorman"), "marked_dormant", SYSTEM_ACTOR,
                  f"Tidak ada heartbeat maupun event selama {days:g} hari (sejak {signs.latest:%Y-%m-%d %H:%M} UTC)",
                  now, evidence)


def revive(app: App, sign_at: datetime, what: str, now: datetime, threshold: timedelta) -> Change | None:
    """Back to active when a dormant candidate shows a sign of life younger than the threshold; else None."""
    if app.lifecycle != "dorman" or now - sign_at >= threshold:
        return None
    return Change(app, dataclasses.replace(app, lifecycle="aktif"), "changed", SYSTEM_ACTOR,
                  f"Aktif kembali: {what} diterima ({sign_at:%Y-%m-%d %H:%M} UTC)", now)
