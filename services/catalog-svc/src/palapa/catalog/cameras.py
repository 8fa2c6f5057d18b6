"""The CCTV app's cameras: registry entries and whether each is online, and since when (late events change nothing)."""

from __future__ import annotations

from sqlalchemy import case
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.events import CameraCameOnline, CameraRegistered, CameraWentOffline

from .registry_store import cameras as t


async def registered(session: AsyncSession, e: CameraRegistered) -> None:
    """A camera's registry entry (its place); its status is left as the status events set it."""
    values = {"app_id": e.app_id, "location_name": e.location_name[:500], "latitude": e.latitude,
              "longitude": e.longitude}
    stmt = insert(t).values(camera_id=e.camera_id, changed_at=e.registered_at, **values)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[t.c.camera_id], set_={k: stmt.excluded[k] for k in values}))


async def status(session: AsyncSession, e: CameraWentOffline | CameraCameOnline, *, online: bool) -> None:
    """Online or offline since the event's time, unless a newer status was applied already."""
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
