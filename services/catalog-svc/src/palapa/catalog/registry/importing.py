"""What a census import or the seed changes in the registry: one Change per app that is new or differs (pure)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime

from .changes import SYSTEM_ACTOR, Change
from .domain import App

#: What a census import may change: never the bridge a person or the platform configured.
CENSUS_FIELDS = ("name", "opd", "audience", "channel", "status", "description", "kind", "field", "lifecycle", "url",
                 "super_app", "cluster")
#: What the seed file sets on every start; a bridge learnt from heartbeats is not taken away by a seed without one.
SEED_FIELDS = ("name", "opd", "audience", "channel", "status", "folds_into", "description")
#: The census classification the seed carries: set on an app that has none yet, never over a census import's.
SEED_CLASSIFICATION = ("kind", "field", "super_app", "cluster")
SEED_REASON = "Data awal aplikasi percontohan (seed)"


def census_changes(known: dict[str, App], found: Iterable[App], actor: str, reason: str, at: datetime) -> list[Change]:
    """The census's apps over the registry's: new ones registered, the rest updated; a retired app stays retired."""
    out = []
    for app in found:
        before = known.get(app.app_id)
        if before is None:
            out.append(Change(None, app, "registered", actor, reason, at))
            continue
        after = dataclasses.replace(before, **{f: getattr(app, f) for f in CENSUS_FIELDS})
        if before.lifecycle == "pensiun":  # only a person un-retires an app (PATCH), never a re-sent spreadsheet
            after = dataclasses.replace(after, lifecycle="pensiun", super_app=None, cluster=None)
        out.append(Change(before, after, "changed", actor, reason, at))
    return out


def seed_changes(known: dict[str, App], seed: Iterable[App], at: datetime) -> list[Change]:
    """The seed's apps: new ones registered; known ones take the seed's descriptive fields (edits in seed.py win)."""
    out = []
    for app in seed:
        before = known.get(app.app_id)
        if before is None:
            out.append(Change(None, app, "registered", SYSTEM_ACTOR, SEED_REASON, at))
            continue
        values = {f: getattr(app, f) for f in SEED_FIELDS}
        values.update({f: getattr(app, f) for f in ("bridge", "heartbeat_seconds") if getattr(app, f) is not None})
        if before.kind is None:  # a registry from before the seed was classified (e.g. an existing .data/)
            values.update({f: getattr(app, f) for f in SEED_CLASSIFICATION})
        out.append(Change(before, dataclasses.replace(before, **values), "changed", SYSTEM_ACTOR, SEED_REASON, at))
    return out
