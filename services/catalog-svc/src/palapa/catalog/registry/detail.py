"""GET /apps/{app_id}: an entry with its health (last event, last heartbeat, freshness lag, quarantined rows),
its dormancy evidence and, for the CCTV app, its cameras."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from pydantic import BaseModel

from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

from ..liveness import store as liveness_store
from ..settings import CatalogSettings
from . import domain, store
from .api import AppRead


class AppHealth(BaseModel):
    last_event_at: datetime | None = None
    last_event_type: str | None = None
    events_seen: int = 0
    last_heartbeat_at: datetime | None = None
    freshness_lag_seconds: float | None = None  # how far the bridge is behind its legacy app (its heartbeat says)
    silent_seconds: float | None = None  # since the latest sign of life (heartbeat or event)
    quarantined: int = 0  # legacy rows its bridge quarantined (RowQuarantined counted by the catalog)
    last_quarantine_reason: str | None = None


class Dormancy(BaseModel):
    candidate: bool  # marked dormant by the check, awaiting a person (POST /apps/{id}/retire) or a sign of life
    watched_since: datetime | None = None
    marked_dormant_at: datetime | None = None
    evidence: dict | None = None


class Camera(BaseModel):
    camera_id: str
    location_name: str | None
    latitude: float | None
    longitude: float | None
    online: bool | None  # None: registered, no status reported yet
    status: str  # daring, luring, belum diketahui
    since: datetime | None


class CameraSummary(BaseModel):
    total: int
    online: int
    offline: int
    unknown: int
    items: list[Camera]


class AppDetail(AppRead):
    health: AppHealth
    dormancy: Dormancy | None = None
    cameras: CameraSummary | None = None  # apps whose events register cameras (the CCTV app)


def _status(online: bool | None) -> str:
    return {True: "daring", False: "luring", None: "belum diketahui"}[online]


def detail_router(runtime: Runtime, settings: CatalogSettings) -> APIRouter:
    router = APIRouter(tags=["apps"])
    beat = settings.default_heartbeat_seconds

    @router.get("/apps/{app_id}", response_model=AppDetail, responses={404: {"description": "unknown_app"}})
    async def read_app(app_id: str):
        """One app with its bridge's liveness, its health, dormancy evidence and cameras."""
        if not domain.APP_ID.fullmatch(app_id):
            return refusal(422, "malformed_app_id", "app_id hanya huruf kecil, angka dan '-', 2 sampai 64 karakter")
        async with runtime.sessions() as session:
            pair = await store.one_app(session, app_id)
            if pair is None:
                return refusal(404, "unknown_app", f"Aplikasi {app_id} tidak ada di katalog")
            activity = (await liveness_store.activity(session, app_id)).get(app_id) or {}
            watch = (await liveness_store.watches(session, app_id)).get(app_id)
            cams = await liveness_store.cameras_of(session, app_id)
        app, state = pair
        now = datetime.now(UTC)
        signs = [t for t in (activity.get("last_event_at"), state.last_heartbeat_at if state else None) if t]
        health = AppHealth(
            last_event_at=activity.get("last_event_at"), last_event_type=activity.get("last_event_type"),
            events_seen=activity.get("events_seen") or 0, last_heartbeat_at=state.last_heartbeat_at if state else None,
            freshness_lag_seconds=state.lag_seconds if state else None,
            silent_seconds=(now - max(signs)).total_seconds() if signs else None,
            quarantined=state.quarantined if state else 0,
            last_quarantine_reason=state.last_quarantine_reason if state else None)
        dormancy = None
        if watch is not None:
            dormancy = Dormancy(candidate=app.lifecycle == "dorman" and watch["marked_dormant_at"] is not None,
                                watched_since=watch["watched_since"], marked_dormant_at=watch["marked_dormant_at"],
                                evidence=watch["evidence"])
        cameras = None
        if cams:
            items = [Camera(status=_status(c["online"]), **{k: c[k] for k in Camera.model_fields if k in c})
                     for c in cams]
            cameras = CameraSummary(total=len(items), online=sum(c.online is True for c in items),
                                    offline=sum(c.online is False for c in items),
                                    unknown=sum(c.online is None for c in items), items=items)
        base = AppRead.of(app, state, now, beat)
        return AppDetail(**base.model_dump(), health=health, dormancy=dormancy, cameras=cameras)

    return router
