"""The registry's history, each app's traffic and watch, and the cameras (tables on catalog-svc's metadata)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Identity,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.envelope import Envelope

from . import store
from .domain import App
from .registry import Change, event

metadata = store.metadata

# Every change of an entry: who, when, what (field → [before, after]), why; revision n of an app is unique, so two
# writers changing one app at once cannot both win.
app_history = Table(
    "app_history",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("app_id", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("action", String(16), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("changes", JSONB, nullable=False),
    Column("evidence", JSONB, nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("app_id", "revision", name="uq_app_history_revision"),
)

# The latest domain event seen per app id (known to the catalog or not: nothing heard is dropped).
app_activity = Table(
    "app_activity",
    metadata,
    Column("app_id", String, primary_key=True),
    Column("last_event_at", DateTime(timezone=True), nullable=True),
    Column("last_event_type", String, nullable=True),
    Column("events_seen", BigInteger, nullable=False, server_default="0"),
)

# The dormancy check's memory: since when it watches a bridged app, and the evidence when it marked it dormant.
app_watch = Table(
    "app_watch",
    metadata,
    Column("app_id", String(64), primary_key=True),
    Column("watched_since", DateTime(timezone=True), nullable=False),
    Column("marked_dormant_at", DateTime(timezone=True), nullable=True),
    Column("evidence", JSONB, nullable=True),
)

cameras = Table(
    "cameras",
    metadata,
    Column("camera_id", String(128), primary_key=True),
    Column("app_id", String, nullable=False),
    Column("location_name", String, nullable=True),
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    Column("online", Boolean, nullable=True),  # None: registered, no status reported yet
    Column("since", DateTime(timezone=True), nullable=True),  # when it went online / offline
    Column("changed_at", DateTime(timezone=True), nullable=False),  # the newest event applied (older ones are late)
    Index("ix_cameras_app", "app_id"),
)


#: Every registry writer takes this lock for its transaction: imports, edits, the dormancy check and event-driven
#: changes take turns (replicas too), so an app's revisions never race.
REGISTRY_LOCK = text("SELECT pg_advisory_xact_lock(hashtext('palapa.catalog.registry'))")


def as_json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


async def lock_apps(session: AsyncSession, ids: Sequence[str]) -> dict[str, App]:
    """The current entries of these apps, their rows locked until the transaction ends (changes take turns)."""
    await session.execute(REGISTRY_LOCK)
    if not ids:
        return {}
    rows = (await session.execute(
        select(store.apps).where(store.apps.c.app_id.in_(list(ids))).order_by(store.apps.c.app_id).with_for_update()
    )).all()
    return {r.app_id: App(app_id=r.app_id, **{f: getattr(r, f) for f in store.APP_FIELDS}) for r in rows}


async def save(session: AsyncSession, changes: Sequence[Change]) -> list[Envelope]:
    """Write the entries, one history row per change, and return the events to publish (in the same transaction)."""
    changes = [c for c in changes if c.fields]
    if not changes:
        return []
    ids = sorted({c.after.app_id for c in changes})
    latest = dict((await session.execute(
        select(app_history.c.app_id, func.max(app_history.c.revision))
        .where(app_history.c.app_id.in_(ids)).group_by(app_history.c.app_id)
    )).all())
    rows, envelopes = [], []
    for change in changes:
        revision = latest.get(change.after.app_id, 0) + 1
        latest[change.after.app_id] = revision
        rows.append({"app_id": change.after.app_id, "revision": revision, "action": change.action,
                     "actor": change.actor, "reason": change.reason, "at": change.at,
                     "changes": {k: [b, a] for k, (b, a) in change.fields.items()},
                     "evidence": as_json(change.evidence) if change.evidence else None})
        envelopes.append(event(change, revision))
    await store.upsert_apps(session, list({c.after.app_id: c.after for c in changes}.values()))
    await session.execute(app_history.insert(), rows)
    return envelopes


async def history(session: AsyncSession, app_id: str, *, limit: int, before: int | None) -> list[dict]:
    """An app's changes, newest first (`before`: only revisions older than this one)."""
    q = select(app_history).where(app_history.c.app_id == app_id)
    if before is not None:
        q = q.where(app_history.c.revision < before)
    rows = (await session.execute(q.order_by(app_history.c.revision.desc()).limit(limit))).all()
    return [dict(r._mapping) for r in rows]


async def activity(session: AsyncSession, app_id: str | None = None) -> dict[str, dict]:
    q = select(app_activity) if app_id is None else select(app_activity).where(app_activity.c.app_id == app_id)
    return {r.app_id: dict(r._mapping) for r in (await session.execute(q)).all()}


async def watches(session: AsyncSession, app_id: str | None = None) -> dict[str, dict]:
    q = select(app_watch) if app_id is None else select(app_watch).where(app_watch.c.app_id == app_id)
    return {r.app_id: dict(r._mapping) for r in (await session.execute(q)).all()}


async def rewatch(session: AsyncSession, app_id: str, now) -> None:
    """Watch the app afresh from `now`, forgetting an earlier dormancy mark (a person declared it active)."""
    await session.execute(app_watch.update().where(app_watch.c.app_id == app_id)
                          .values(watched_since=now, marked_dormant_at=None, evidence=None))


async def cameras_of(session: AsyncSession, app_id: str) -> list[dict]:
    rows = (await session.execute(select(cameras).where(cameras.c.app_id == app_id).order_by(cameras.c.camera_id)))
    return [dict(r._mapping) for r in rows.all()]
