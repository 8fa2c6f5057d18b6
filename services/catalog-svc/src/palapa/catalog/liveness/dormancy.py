"""The periodic dormancy check: bridged apps silent too long become dormant candidates, with their evidence.

Safe across restarts and replicas: what it knows (since when it watches an app, the evidence it found) is in
PostgreSQL, and each check runs in one transaction under the registry lock, deciding from the rows as they are
(a second replica finds the app dormant already and does nothing).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from palapa.kit.loops import Backoff, Outage, pause
from palapa.kit.runtime import Runtime

from ..registry import store as registry_store
from ..tables import app_activity, app_watch, apps, bridges
from .domain import Signs, is_silent, mark_dormant

log = logging.getLogger(__name__)


async def check(runtime: Runtime, threshold: timedelta, now: datetime | None = None) -> list[str]:
    """One check: the ids of the apps it marked dormant."""
    now = now or datetime.now(UTC)
    async with runtime.transaction() as tx:
        s = tx.session
        a = apps.c
        ids = list((await s.execute(
            select(a.app_id).where(a.lifecycle == "aktif", a.bridge.is_not(None)))).scalars())
        if not ids:
            return []
        new = insert(app_watch).values([{"app_id": i, "watched_since": now} for i in ids])
        await s.execute(new.on_conflict_do_nothing())
        known = await registry_store.lock_apps(s, ids)  # under the registry lock: replicas take turns
        beats = dict((await s.execute(select(bridges.c.app_id, bridges.c.last_heartbeat_at)
                                      .where(bridges.c.app_id.in_(ids)))).all())
        events = dict((await s.execute(select(app_activity.c.app_id, app_activity.c.last_event_at)
                                       .where(app_activity.c.app_id.in_(ids)))).all())
        since = dict((await s.execute(select(app_watch.c.app_id, app_watch.c.watched_since)
                                      .where(app_watch.c.app_id.in_(ids)))).all())
        changes = []
        for app_id, app in known.items():
            signs = Signs(beats.get(app_id), events.get(app_id), since[app_id])
            if is_silent(app, signs, now, threshold):
                changes.append(mark_dormant(app, signs, now, threshold))
        for c in changes:
            await s.execute(app_watch.update().where(app_watch.c.app_id == c.after.app_id).values(
                marked_dormant_at=now, evidence=registry_store.as_json(c.evidence)))
        tx.publish(*await registry_store.save(s, changes))
    for c in changes:
        log.info("catalog: %s marked dormant (%s)", c.after.app_id, c.reason)
    return [c.after.app_id for c in changes]


async def run(runtime: Runtime, threshold: timedelta, every_s: float, stop: asyncio.Event) -> None:
    """Check at start and then every `every_s` seconds until `stop`; a failed check is retried with backoff."""
    outage, backoff = Outage("catalog dormancy check", log), Backoff(first=1.0, cap=60.0)
    while not stop.is_set():
        try:
            await check(runtime, threshold)
            outage.recovered()
            backoff.reset()
            wait = every_s
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database away: try again later, never stop checking
            outage.failed(exc)
            wait = min(every_s, backoff.next())
        if await pause(stop, wait):
            return
