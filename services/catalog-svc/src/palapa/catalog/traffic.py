"""What catalog-svc consumes to keep entries live: each app's domain events, and the cameras of the CCTV app."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.events import CameraCameOnline, CameraRegistered, CameraWentOffline, Event
from palapa.contracts.topics import (
    COMPLAINT_INTAKE,
    EMERGENCY_INCIDENTS,
    HEALTH_QUEUES,
    SERVICE_REQUESTS,
    TAX_BILLS,
    TRANSPORT_CAMERAS,
    Topic,
)
from palapa.kit.consumer import BatchEffect, Delivery
from palapa.kit.runtime import Runtime
from palapa.kit.uow import Done, Refused

from . import cameras
from .domain import APP_ID
from .signals import Sign, apply_signs, record_traffic

#: The domain topics whose traffic shows an app alive; each event names its app in source_app (cameras: app_id).
TRAFFIC_TOPICS: tuple[Topic, ...] = (COMPLAINT_INTAKE, EMERGENCY_INCIDENTS, TAX_BILLS, SERVICE_REQUESTS, HEALTH_QUEUES,
                                     TRANSPORT_CAMERAS)
#: An event stamped later than this ahead of the catalog's clock counts as arriving now (a wrong clock, or poison,
#: must not keep an app looking alive for years).
MAX_CLOCK_SKEW = timedelta(minutes=5)


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
        await record_traffic(session, signs)
        events = await apply_signs(session, signs, threshold)
        if events:
            first = next(i for i, r in enumerate(out) if not isinstance(r, Refused))
            out[first] = Done(publish=events)
        return out

    return effect


async def _camera(session: AsyncSession, event: Event) -> str | None:
    """Apply a camera event; a refusal (why) for one whose time has no time zone."""
    if isinstance(event, CameraRegistered):
        if event.registered_at.tzinfo is None:
            return "registered_at has no time zone"
        await cameras.registered(session, event)
    elif isinstance(event, CameraWentOffline | CameraCameOnline):
        if event.changed_at.tzinfo is None:
            return "changed_at has no time zone"
        await cameras.status(session, event, online=isinstance(event, CameraCameOnline))
    return None


def register_traffic(runtime: Runtime, threshold: timedelta) -> None:
    """Subscribe to every domain topic with one consumer (one group join, not one per topic: a start or a
    restart of catalog-svc waits for each join in turn)."""
    effect = traffic(threshold, also=_camera)  # camera events also move their camera; others pass through
    effect.__name__ = "on_domain_traffic"
    runtime.subscribe(TRAFFIC_TOPICS, effect, group_id=f"{runtime.name}-traffic")
