"""What every bridge reports besides its app's events: rows it could not translate, and that it is alive."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field

from .base import DAY_MS, Event, Topic

__all__ = ["BridgeHeartbeat", "RowQuarantined", "BRIDGE_HEARTBEATS", "BRIDGE_QUARANTINE"]


class RowQuarantined(Event):
    """A bridge met a legacy row it cannot translate; the row is kept here with the reason."""

    event_type: ClassVar[str] = "palapa.bridge.row_quarantined.v1"
    version: ClassVar[int] = 1

    source_app: str
    source_id: str
    reason: str
    row: dict[str, Any]
    seen_at: datetime


class BridgeHeartbeat(Event):
    """A bridge is alive: what it last saw of its legacy app, and how far behind it is."""

    event_type: ClassVar[str] = "palapa.bridge.heartbeat.v1"
    version: ClassVar[int] = 1

    app_id: str
    opd: str
    bridge: str
    last_change_seen: datetime | None = None
    lag_seconds: float | None = Field(default=None, ge=0)
    rows_translated: int = Field(default=0, ge=0)
    rows_quarantined: int = Field(default=0, ge=0)
    at: datetime
    # the last reconcile sweep (docs/bridging.md): rows that differed from the legacy app, and when it ended
    legacy_mismatches: int | None = Field(default=None, ge=0)
    last_sweep_at: datetime | None = None


# --- The topics these events travel on ----------------------------------------------------------------------

BRIDGE_QUARANTINE = Topic(
    name="palapa.bridges.quarantine.v1",
    partitions=1,
    key="source_app:source_id",
    events=(RowQuarantined,),
    config={"cleanup.policy": "delete", "retention.ms": str(90 * DAY_MS)},
)
BRIDGE_HEARTBEATS = Topic(
    name="palapa.bridges.heartbeats.v1",
    partitions=1,
    key="app_id",
    events=(BridgeHeartbeat,),
    config={"cleanup.policy": "compact"},
)

#: The topics declared here, each with its events: palapa.contracts.topics gathers every domain's.
TOPICS = (BRIDGE_QUARANTINE, BRIDGE_HEARTBEATS)
