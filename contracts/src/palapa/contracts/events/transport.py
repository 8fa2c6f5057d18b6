"""Transport (pilot apps, issue 9): Dishub's CCTV cameras, registered and going offline or online."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from .base import DAY_MS, Event, Topic

__all__ = ["CameraCameOnline", "CameraRegistered", "CameraWentOffline", "TRANSPORT_CAMERAS"]


class CameraRegistered(Event):
    """Dishub registered a CCTV camera (or its registry entry changed)."""

    event_type: ClassVar[str] = "palapa.transport.camera_registered.v1"
    version: ClassVar[int] = 1

    camera_id: str = Field(min_length=1, max_length=128)
    app_id: str = Field(min_length=1, description="The catalog app the camera belongs to, e.g. cctv")
    location_name: str
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    stream_url: str | None = None
    registered_at: datetime


class CameraWentOffline(Event):
    """A camera that was online is now reported offline."""

    event_type: ClassVar[str] = "palapa.transport.camera_went_offline.v1"
    version: ClassVar[int] = 1

    camera_id: str = Field(min_length=1, max_length=128)
    app_id: str = Field(min_length=1)
    changed_at: datetime


class CameraCameOnline(Event):
    """A camera that was offline (or new) is now reported online."""

    event_type: ClassVar[str] = "palapa.transport.camera_came_online.v1"
    version: ClassVar[int] = 1

    camera_id: str = Field(min_length=1, max_length=128)
    app_id: str = Field(min_length=1)
    changed_at: datetime


# --- The topics these events travel on ----------------------------------------------------------------------

TRANSPORT_CAMERAS = Topic(
    name="palapa.transport.cameras.v1",
    partitions=1,
    key="camera_id",
    events=(CameraRegistered, CameraWentOffline, CameraCameOnline),
    config={"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)},
)

#: The topics declared here, each with its events: palapa.contracts.topics gathers every domain's.
TOPICS = (TRANSPORT_CAMERAS,)
