"""Signs of life reaching the registry: domain-event traffic per app, and what a sign changes in an entry."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.envelope import Envelope

from . import registry_store, store
from .lifecycle import revive
from .registry import SYSTEM_ACTOR, Change
from .registry_store import app_activity


@dataclass(frozen=True)
class Sign:
    """An app showed life at `at` (a heartbeat from `bridge`, or a domain event of type `what`)."""

    app_id: str
    at: datetime
    what: str
    bridge: str | None = None


async def record_traffic(session: AsyncSession, signs: Sequence[Sign]) -> None:
    """Keep, per app, the newest domain event seen and how many were seen (one statement for a batch)."""
    per_app: dict[str, dict] = {}
    for s in signs:
        row = per_app.setdefault(s.app_id, {"app_id": s.app_id, "last_event_at": s.at, "last_event_type": s.what,
                                            "events_seen": 0})
        row["events_seen"] += 1
        if s.at >= row["last_event_at"]:
            row["last_event_at"], row["last_event_type"] = s.at, s.what
    if not per_app:
        return
    stmt = insert(app_activity)
    newer = stmt.excluded.last_event_at >= func.coalesce(app_activity.c.last_event_at, stmt.excluded.last_event_at)
    await session.execute(stmt.on_conflict_do_update(index_elements=[app_activity.c.app_id], set_={
        "last_event_at": func.greatest(app_activity.c.last_event_at, stmt.excluded.last_event_at),
        "last_event_type": case((newer, stmt.excluded.last_event_type), else_=app_activity.c.last_event_type),
        "events_seen": app_activity.c.events_seen + stmt.excluded.events_seen,
    }), list(per_app.values()))


async def apply_signs(session: AsyncSession, signs: Sequence[Sign], threshold: timedelta) -> list[Envelope]:
    """What signs of life change in entries: a dormant app is active again, a first heartbeat makes an app bridged."""
    now = datetime.now(UTC)
    newest: dict[str, Sign] = {}
    for s in signs:
        if s.app_id not in newest or s.at > newest[s.app_id].at:
            newest[s.app_id] = s
    bridged = {s.app_id: s.bridge for s in signs if s.bridge}
    ids = list(newest)
    if not ids:
        return []
    apps = store.apps.c
    touched = (await session.execute(select(apps.app_id).where(apps.app_id.in_(ids)).where(
        (apps.lifecycle == "dorman") | (apps.bridge.is_(None) & apps.app_id.in_(list(bridged) or [""]))))).scalars()
    touched = list(touched)
    if not touched:
        return []
    known = await registry_store.lock_apps(session, touched)
    changes = []
    for app_id, app in known.items():
        sign = newest[app_id]
        if app.bridge is None and bridged.get(app_id):
            after = dataclasses.replace(app, bridge=bridged[app_id])
            changes.append(Change(app, after, "changed", SYSTEM_ACTOR,
                                  f"Heartbeat pertama dari {bridged[app_id]}: aplikasi terhubung ke platform", now))
            app = after
        back = revive(app, sign.at, "heartbeat" if sign.bridge else f"event {sign.what}", now, threshold)
        if back is not None:
            changes.append(back)
    revived = [c.after.app_id for c in changes if c.after.lifecycle == "aktif" and c.before.lifecycle == "dorman"]
    for app_id in revived:
        await registry_store.rewatch(session, app_id, now)
    return await registry_store.save(session, changes)

