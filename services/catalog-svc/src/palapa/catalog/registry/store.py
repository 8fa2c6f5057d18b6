"""The registry's queries: the entries with their bridges' state, locking them, and saving changes with their
history and events (tables in tables.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.envelope import Envelope

from ..tables import app_history, apps, bridges
from .changes import Change, event
from .domain import App, BridgeState

APP_FIELDS = ("name", "opd", "audience", "channel", "status", "folds_into", "description", "bridge",
              "heartbeat_seconds", "kind", "field", "lifecycle", "url", "super_app", "cluster")

#: Every registry writer takes this lock for its transaction: imports, edits, the dormancy check and event-driven
#: changes take turns (replicas too), so an app's revisions never race.
REGISTRY_LOCK = text("SELECT pg_advisory_xact_lock(hashtext('palapa.catalog.registry'))")


def as_json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


async def upsert_apps(session: AsyncSession, seed: Iterable[App]) -> None:
    """Insert or refresh each app (idempotent: run at every start)."""
    rows = [{"app_id": a.app_id, **{f: getattr(a, f) for f in APP_FIELDS}} for a in seed]
    if not rows:
        return
    stmt = insert(apps)
    await session.execute(
        stmt.on_conflict_do_update(index_elements=[apps.c.app_id], set_={f: stmt.excluded[f] for f in APP_FIELDS}),
        rows,
    )


async def all_apps(session: AsyncSession) -> list[tuple[App, BridgeState | None]]:
    """Every app with its bridge state (the catalog is small: filters run in the domain)."""
    rows = (await session.execute(_apps_with_bridges())).all()
    return [_pair(r) for r in rows]


async def one_app(session: AsyncSession, app_id: str) -> tuple[App, BridgeState | None] | None:
    row = (await session.execute(_apps_with_bridges().where(apps.c.app_id == app_id))).first()
    return _pair(row) if row is not None else None


def _apps_with_bridges():
    bridge_cols = [c.label(f"b_{c.name}") for c in bridges.c]
    return select(apps, *bridge_cols).outerjoin(bridges, bridges.c.app_id == apps.c.app_id)


def _pair(row) -> tuple[App, BridgeState | None]:
    m = row._mapping
    app = App(app_id=m["app_id"], **{f: m[f] for f in APP_FIELDS})
    if m["b_app_id"] is None:
        return app, None
    state = BridgeState(**{c.name: m[f"b_{c.name}"] for c in bridges.c})
    return app, state


async def lock_apps(session: AsyncSession, ids: Sequence[str]) -> dict[str, App]:
    """The current entries of these apps, their rows locked until the transaction ends (changes take turns)."""
    await session.execute(REGISTRY_LOCK)
    if not ids:
        return {}
    rows = (await session.execute(
        select(apps).where(apps.c.app_id.in_(list(ids))).order_by(apps.c.app_id).with_for_update()
    )).all()
    return {r.app_id: App(app_id=r.app_id, **{f: getattr(r, f) for f in APP_FIELDS}) for r in rows}


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
    await upsert_apps(session, list({c.after.app_id: c.after for c in changes}.values()))
    await session.execute(app_history.insert(), rows)
    return envelopes


async def history(session: AsyncSession, app_id: str, *, limit: int, before: int | None) -> list[dict]:
    """An app's changes, newest first (`before`: only revisions older than this one)."""
    q = select(app_history).where(app_history.c.app_id == app_id)
    if before is not None:
        q = q.where(app_history.c.revision < before)
    rows = (await session.execute(q.order_by(app_history.c.revision.desc()).limit(limit))).all()
    return [dict(r._mapping) for r in rows]
