"""The catalog API: the city's apps, searchable, each with whether its bridge is alive; the apps by OPD."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from pydantic import BaseModel

from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

from ..settings import CatalogSettings
from . import domain, store


class AppRead(BaseModel):
    app_id: str
    name: str
    opd: str
    audience: domain.Audience
    channel: str
    status: domain.AppStatus
    folds_into: str | None
    description: str
    bridge: str | None
    liveness: domain.Liveness
    last_heartbeat_at: datetime | None
    lag_seconds: float | None
    last_change_seen: datetime | None
    rows_translated: int | None
    rows_quarantined: int | None
    quarantined: int
    legacy_mismatches: int | None = None  # the bridge's last reconcile sweep (None: none reported yet)
    last_sweep_at: datetime | None = None
    kind: str | None = None
    field: str | None = None
    lifecycle: str = "aktif"
    tier: str = "tautan"
    url: str | None = None
    super_app: str | None = None
    cluster: str | None = None

    @classmethod
    def of(cls, app: domain.App, state: domain.BridgeState | None, now: datetime, default_beat: float) -> AppRead:
        return cls(
            app_id=app.app_id, name=app.name, opd=app.opd, audience=app.audience, channel=app.channel,
            status=app.status, folds_into=app.folds_into, description=app.description,
            bridge=(state.bridge if state and state.bridge else app.bridge),
            liveness=domain.liveness(app, state, now, default_heartbeat_seconds=default_beat),
            last_heartbeat_at=state.last_heartbeat_at if state else None,
            lag_seconds=state.lag_seconds if state else None,
            last_change_seen=state.last_change_seen if state else None,
            rows_translated=state.rows_translated if state and state.last_heartbeat_at else None,
            rows_quarantined=state.rows_quarantined if state and state.last_heartbeat_at else None,
            quarantined=state.quarantined if state else 0,
            legacy_mismatches=state.legacy_mismatches if state else None,
            last_sweep_at=state.last_sweep_at if state else None,
            kind=app.kind, field=app.field, lifecycle=app.lifecycle, tier=app.tier, url=app.url,
            super_app=app.super_app, cluster=app.cluster,
        )


class AppList(BaseModel):
    items: list[AppRead]


def apps_router(runtime: Runtime, settings: CatalogSettings) -> APIRouter:
    router = APIRouter(tags=["apps"])
    beat = settings.default_heartbeat_seconds

    @router.get("/apps", response_model=AppList, responses={422: {"description": "bad parameter"}})
    async def list_apps(q: str | None = None, opd: str | None = None, audience: str | None = None):
        """The apps, filtered by a search text (name, description, OPD), an OPD and an audience."""
        try:
            domain.check_search(q, opd, audience)
        except domain.BadSearchError as exc:
            return refusal(422, exc.reason, exc.detail)
        async with runtime.sessions() as session:
            pairs = await store.all_apps(session)
        states = {app.app_id: state for app, state in pairs}
        found = domain.search((app for app, _ in pairs), q=q, opd=opd, audience=audience)
        now = datetime.now(UTC)
        return AppList(items=[AppRead.of(app, states[app.app_id], now, beat) for app in found])

    @router.get("/opds")
    async def list_opds() -> dict:
        """The registry by owner: each OPD with its apps (id, name, lifecycle, tier, target) and counts."""
        async with runtime.sessions() as session:
            pairs = await store.all_apps(session)
        return {"items": by_opd(app for app, _ in pairs)}

    # GET /apps/{app_id} (the entry with its health, dormancy and cameras) is in detail.py; edits in edits.py

    return router


def by_opd(apps) -> list[dict]:
    """OPD → apps, OPDs by name (case ignored), each app by name."""
    owners: dict[str, list[domain.App]] = {}
    for app in apps:
        owners.setdefault(app.opd.casefold(), []).append(app)
    out = []
    for _, members in sorted(owners.items()):
        members.sort(key=lambda a: a.name.casefold())
        out.append({"opd": members[0].opd, "total": len(members),
                    "by_lifecycle": {k: sum(a.lifecycle == k for a in members) for k in domain.LIFECYCLES},
                    "apps": [{"app_id": a.app_id, "name": a.name, "lifecycle": a.lifecycle, "tier": a.tier,
                              "super_app": a.super_app, "cluster": a.cluster} for a in members]})
    return out
