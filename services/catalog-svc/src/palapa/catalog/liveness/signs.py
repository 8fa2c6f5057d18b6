"""What signs of life change in registry entries: a dormant app is active again, a first heartbeat makes an app
bridged (the changes saved with their history and events)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.envelope import Envelope

from ..registry import store as registry_store
from ..registry.changes import SYSTEM_ACTOR, Change
from ..tables import apps as apps_table
from . import store
from .domain import Sign, revive


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
    apps = apps_table.c
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
        await store.rewatch(session, app_id, now)
    return await registry_store.save(session, changes)
