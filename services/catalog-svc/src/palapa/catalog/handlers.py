"""What catalog-svc consumes: bridge heartbeats and quarantined legacy rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import BridgeHeartbeat, RowQuarantined
from palapa.contracts.topics import BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE
from palapa.kit.consumer import RejectedEventError, each
from palapa.kit.runtime import Runtime
from palapa.kit.uow import Done

from . import store
from .signals import Sign, apply_signs
from .traffic import MAX_CLOCK_SKEW


async def on_bridge_heartbeat(session: AsyncSession, envelope: Envelope) -> None:
    """Keep the bridge's newest heartbeat: when it beat, its lag and its counters."""
    beat: BridgeHeartbeat = envelope.data  # the only type on its topic (the runtime checks)
    if beat.at.tzinfo is None:
        raise RejectedEventError(f"heartbeat of {beat.app_id}: 'at' has no time zone")
    await store.record_heartbeat(session, beat)


def heartbeat_changes(threshold: timedelta):
    """on_bridge_heartbeat, and what the heartbeat changes in the entry (bridged at the first one; active again)."""

    async def on_bridge_heartbeat_in_registry(session: AsyncSession, envelope: Envelope) -> Done | None:
        await on_bridge_heartbeat(session, envelope)
        beat: BridgeHeartbeat = envelope.data
        at = min(beat.at, datetime.now(UTC) + MAX_CLOCK_SKEW)
        events = await apply_signs(session, [Sign(beat.app_id, at, "heartbeat", bridge=beat.bridge)], threshold)
        return Done(publish=events) if events else None

    return on_bridge_heartbeat_in_registry


async def on_row_quarantined(session: AsyncSession, envelope: Envelope) -> None:
    """Count the quarantined row for its app."""
    row: RowQuarantined = envelope.data  # the only type on its topic (the runtime checks)
    await store.count_quarantined(session, row)


def register(runtime: Runtime, dormant_after: timedelta = timedelta(days=30)) -> None:
    """Subscribe catalog-svc; one consumer group per topic, so one topic's rebalance never stalls the other."""
    runtime.subscribe(BRIDGE_HEARTBEATS, each(heartbeat_changes(dormant_after)), group_id=f"{runtime.name}-heartbeats")
    runtime.subscribe(BRIDGE_QUARANTINE, each(on_row_quarantined), group_id=f"{runtime.name}-quarantine")
