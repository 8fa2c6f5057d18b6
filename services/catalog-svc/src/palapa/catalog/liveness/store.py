"""Signs of life as stored: each bridge's newest heartbeat and quarantine count, each app's domain-event traffic,
the dormancy watch, and the CCTV app's cameras (late events change nothing; tables in tables.py)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.events import (
    BridgeHeartbeat,
    CameraCameOnline,
    CameraRegistered,
    CameraWentOffline,
    RowQuarantined,
)

from ..tables import app_activity, app_watch, bridges, cameras
from .domain import Sign


async def record_heartbeat(session: AsyncSession, beat: BridgeHeartbeat) -> None:
    """Keep the newest heartbeat per app; an older one arriving late changes nothing."""
    values = {
        "bridge": beat.bridge, "last_heartbeat_at": beat.at, "last_change_seen": beat.last_change_seen,
        "lag_seconds": beat.lag_seconds, "rows_translated": beat.rows_translated,
        "rows_quarantined": beat.rows_quarantined, "legacy_mismatches": beat.legacy_mismatches,
        "last_sweep_at": beat.last_sweep_at,
    }
    stmt = insert(bridges).values(app_id=beat.app_id, **values)
    current = bridges.c.last_heartbeat_at
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[bridges.c.app_id],
            set_={k: stmt.excluded[k] for k in values},
            where=current.is_(None) | (current < stmt.excluded.last_heartbeat_at),
        )
    )


async def count_quarantined(session: AsyncSession, row: RowQuarantined) -> None:
    """Count one quarantined legacy row for its app and keep the latest reason."""
    stmt = insert(bridges).values(
        app_id=row.source_app, quarantined=1, last_quarantine_reason=row.reason, last_quarantine_at=row.seen_at
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[bridges.c.app_id],
            set_={
                "quarantined": bridges.c.quarantined + 1,
                "last_quarantine_reason": stmt.excluded.last_quarantine_reason,
                "last_quarantine_at": stmt.excluded.last_quarantine_at,
            },
        )
    )


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


async def camera_registered(session: AsyncSession, e: CameraRegistered) -> None:
    """A camera's registry entry (its place); its status is left as the status events set it."""
    t = cameras
    values = {"app_id": e.app_id, "location_name": e.location_name[:500], "latitude": e.latitude,
              "longitude": e.longitude}
    stmt = insert(t).values(camera_id=e.camera_id, changed_at=e.registered_at, **values)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[t.c.camera_id], set_={k: stmt.excluded[k] for k in values}))


async def camera_status(session: AsyncSession, e: CameraWentOffline | CameraCameOnline, *, online: bool) -> None:
    """Online or offline since the event's time, unless a newer status was applied already."""
    t = cameras
    stmt = insert(t).values(camera_id=e.camera_id, app_id=e.app_id, online=online, since=e.changed_at,
                            changed_at=e.changed_at)
    x = stmt.excluded
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[t.c.camera_id],
        set_={"online": x.online, "changed_at": x.changed_at,
              # the same status again keeps its first moment: "offline since" is when it went offline
              "since": case((t.c.online.is_distinct_from(x.online), x.since), else_=t.c.since)},
        where=t.c.since.is_(None) | (t.c.changed_at < x.changed_at),
    ))


async def cameras_of(session: AsyncSession, app_id: str) -> list[dict]:
    rows = (await session.execute(select(cameras).where(cameras.c.app_id == app_id).order_by(cameras.c.camera_id)))
    return [dict(r._mapping) for r in rows.all()]
