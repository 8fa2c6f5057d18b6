"""What catalog-svc consumes: bridge heartbeats and quarantined legacy rows."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import BridgeHeartbeat, RowQuarantined
from palapa.contracts.topics import BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE
from palapa.kit.consumer import RejectedEventError, each
from palapa.kit.runtime import Runtime

from . import store


async def on_bridge_heartbeat(session: AsyncSession, envelope: Envelope) -> None:
    """Keep the bridge's newest heartbeat: when it beat, its lag and its counters."""
    beat: BridgeHeartbeat = envelope.data  # the only type on its topic (the runtime checks)
    if beat.at.tzinfo is None:
        raise RejectedEventError(f"heartbeat of {beat.app_id}: 'at' has no time zone")
    await store.record_heartbeat(session, beat)


async def on_row_quarantined(session: AsyncSession, envelope: Envelope) -> None:
    """Count the quarantined row for its app."""
    row: RowQuarantined = envelope.data  # the only type on its topic (the runtime checks)
    await store.count_quarantined(session, row)


def register(runtime: Runtime) -> None:
    """Subscribe catalog-svc; one consumer group per topic, so one topic's rebalance never stalls the other."""
    runtime.subscribe(BRIDGE_HEARTBEATS, each(on_bridge_heartbeat), group_id=f"{runtime.name}-heartbeats")
    runtime.subscribe(BRIDGE_QUARANTINE, each(on_row_quarantined), group_id=f"{runtime.name}-quarantine")
