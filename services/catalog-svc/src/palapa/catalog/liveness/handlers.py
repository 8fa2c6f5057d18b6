"""What catalog-svc consumes: bridge heartbeats, quarantined legacy rows, and every domain topic's traffic (each
app's events, and the cameras of the CCTV app) — the signs of life that keep the registry's entries true."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import (
    BridgeHeartbeat,
    CameraCameOnline,
    CameraRegistered,
    CameraWentOffline,
    Event,
    RowQuarantined,
)
from palapa.contracts.topics import (
    BRIDGE_HEARTBEATS,
    BRIDGE_QUARANTINE,
    COMPLAINT_INTAKE,
    EMERGENCY_INCIDENTS,
    HEALTH_QUEUES,
    SERVICE_REQUESTS,
    TAX_BILLS,
    TRANSPORT_CAMERAS,
    Topic,
)
from palapa.kit.consumer import BatchEffect, Delivery, RejectedEventError, each
from palapa.kit.runtime import Runtime
from palapa.kit.uow import Done, Refused

from ..registry.domain import APP_ID
from . import store
from .domain import Sign
from .signs import apply_signs

#: The domain topics whose traffic shows an app alive; each event names its app in source_app (cameras: app_id).
TRAFFIC_TOPICS: tuple[Topic, ...] = (COMPLAINT_INTAKE, EMERGENCY_INCIDENTS, TAX_BILLS, SERVICE_REQUESTS, HEALTH_QUEUES,
                                     TRANSPORT_CAMERAS)
#: An event stamped later than this ahead of the catalog's clock counts as arriving now (a wrong clock, or poison,
#: must not keep an app looking alive for years).
MAX_CLOCK_SKEW = timedelta(minutes=5)


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


def app_of(event: Event) -> str | None:
    return getattr(event, "source_app", None) or getattr(event, "app_id", None)


def traffic(threshold: timedelta, *, also: Callable | None = None) -> BatchEffect:
    """A batch effect counting each event for its app, reviving dormant apps; `also(session, event)` per event."""

    async def effect(session: AsyncSession, deliveries: Sequence[Delivery]) -> list[Done | Refused | None]:
        now = datetime.now(UTC)
        out: list[Done | Refused | None] = []
        signs = []
        for d in deliveries:
            app_id = app_of(d.envelope.data)
            if app_id is None or not APP_ID.fullmatch(app_id):
                out.append(Refused(f"{d.envelope.type}: source_app/app_id {str(app_id)[:80]!r} is no catalog app id"))
                continue
            at = d.envelope.time
            refusal = "ce_time has no time zone" if at.tzinfo is None else None
            if refusal is None and also is not None:
                refusal = await also(session, d.envelope.data)
            if refusal is not None:
                out.append(Refused(f"{d.envelope.type}: {refusal}"))
                continue
            signs.append(Sign(app_id, min(at, now + MAX_CLOCK_SKEW), d.envelope.type))
            out.append(None)
        await store.record_traffic(session, signs)
        events = await apply_signs(session, signs, threshold)
        if events:
            first = next(i for i, r in enumerate(out) if not isinstance(r, Refused))
            out[first] = Done(publish=events)
        return out

    return effect


async def on_camera(session: AsyncSession, event: Event) -> str | None:
    """Apply a camera event; a refusal (why) for one whose time has no time zone."""
    if isinstance(event, CameraRegistered):
        if event.registered_at.tzinfo is None:
            return "registered_at has no time zone"
        await store.camera_registered(session, event)
    elif isinstance(event, CameraWentOffline | CameraCameOnline):
        if event.changed_at.tzinfo is None:
            return "changed_at has no time zone"
        await store.camera_status(session, event, online=isinstance(event, CameraCameOnline))
    return None


def domain_traffic(threshold: timedelta) -> BatchEffect:
    """The effect on every domain topic: camera events also move their camera; others pass through."""
    effect = traffic(threshold, also=on_camera)
    effect.__name__ = "on_domain_traffic"
    return effect


def register(runtime: Runtime, dormant_after: timedelta = timedelta(days=30)) -> None:
    """Subscribe catalog-svc; one consumer group per topic, so one topic's rebalance never stalls the other."""
    runtime.subscribe(BRIDGE_HEARTBEATS, each(heartbeat_changes(dormant_after)), group_id=f"{runtime.name}-heartbeats")
    runtime.subscribe(BRIDGE_QUARANTINE, each(on_row_quarantined), group_id=f"{runtime.name}-quarantine")


def register_traffic(runtime: Runtime, threshold: timedelta) -> None:
    """Subscribe to every domain topic with one consumer (one group join, not one per topic: a start or a
    restart of catalog-svc waits for each join in turn)."""
    runtime.subscribe(TRAFFIC_TOPICS, domain_traffic(threshold), group_id=f"{runtime.name}-traffic")

