"""The registry's write side over HTTP: edit an entry, retire an app (a person confirms), read an entry's history."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from palapa.kit.auth import Principal, Staff
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

from ..access import actor_for
from ..liveness import store as liveness_store
from ..settings import CatalogSettings
from . import changes, domain, store
from .changes import Change, RegistryError

MAX_BODY = 64 * 1024
#: the history's reason of an edit sent without one (the audit log then has no `why`: none was given)
NO_REASON = "Tanpa alasan tertulis"


class FieldChangeRead(BaseModel):
    before: Any = None
    after: Any = None


class HistoryEntry(BaseModel):
    revision: int
    action: str  # registered, changed, marked_dormant, retired
    actor: str
    reason: str
    at: datetime
    changes: dict[str, FieldChangeRead]
    evidence: dict[str, Any] | None = None


class HistoryPage(BaseModel):
    app_id: str
    items: list[HistoryEntry]
    next_before: int | None  # pass as ?before= for older entries; None at the first revision


def _refused(exc: RegistryError):
    return refusal(exc.status, exc.reason, exc.detail)


async def _body(request: Request) -> dict:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise RegistryError("too_large", f"Isi permintaan paling besar {MAX_BODY // 1024} KB", status=413)
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RegistryError("invalid_json", "Isi permintaan harus JSON") from exc
    if not isinstance(body, dict):
        raise RegistryError("invalid_json", "Isi permintaan harus objek JSON {actor, reason, ...}")
    return body


def _check_id(app_id: str) -> None:
    if not domain.APP_ID.fullmatch(app_id):
        raise RegistryError("malformed_app_id", "app_id hanya huruf kecil, angka dan '-', 2 sampai 64 karakter")


def registry_router(runtime: Runtime, settings: CatalogSettings) -> APIRouter:
    router = APIRouter(tags=["registry"])
    threshold = timedelta(days=settings.dormant_after_days)
    beat = settings.default_heartbeat_seconds

    async def change(app_id: str, make, who: Principal, action: str, why: str | None) -> dict | Any:
        """Lock the entry, build the change with `make(app) -> Change`, save it, publish its event, audit it."""
        async with runtime.transaction() as tx:
            known = await store.lock_apps(tx.session, [app_id])
            if app_id not in known:
                raise RegistryError("unknown_app", f"Aplikasi {app_id} tidak ada di katalog", status=404)
            c = await make(tx.session, known[app_id])
            events = await store.save(tx.session, [c])
            tx.publish(*events)
            tx.audit(who, action, ("app", app_id), before={k: b for k, (b, _a) in c.fields.items()},
                     after={k: a for k, (_b, a) in c.fields.items()}, why=why)
        return {"app_id": app_id, "revision": events[0].data.revision if events else None,
                "changes": {k: {"before": b, "after": a} for k, (b, a) in c.fields.items()}}

    @router.patch("/apps/{app_id}", responses={404: {"description": "unknown_app"}, 422: {"description": "invalid"}})
    async def edit_app(app_id: str, request: Request, who: Staff):
        """Change fields of an entry: `{"changes": {field: value}, "reason"}` (`actor`, if sent, must be the
        signed-in account); kept in the history and the audit log."""
        try:
            _check_id(app_id)
            body = await _body(request)
            given = body.get("reason")
            actor, reason = changes.check_who(actor_for(who, body.get("actor")),
                                              NO_REASON if given is None else given)
            patch = body.get("changes")
            if not isinstance(patch, dict):
                raise RegistryError("invalid_changes", "changes harus objek {kolom: nilai}")

            async def make(session, app):
                after = changes.edit(app, patch)
                c = Change(app, after, "changed", actor, reason, datetime.now(UTC))
                if not c.fields:
                    raise RegistryError("no_change", "Nilai baru sama dengan yang tercatat; tidak ada yang diubah")
                if "lifecycle" in c.fields and after.lifecycle == "aktif":
                    # a person vouches for the app: the dormancy clock starts again from now
                    await liveness_store.rewatch(session, app_id, c.at)
                return c

            return await change(app_id, make, who, "catalog.app.change", None if given is None else reason)
        except RegistryError as exc:
            return _refused(exc)

    @router.post("/apps/{app_id}/retire", responses={404: {"description": "unknown_app"}, 409: {"description": "no"}})
    async def retire_app(app_id: str, request: Request, who: Staff):
        """A person confirms an app is retired: `{"reason"}` (required). Refused while its bridge is alive."""
        try:
            _check_id(app_id)
            body = await _body(request)
            actor, reason = changes.check_who(actor_for(who, body.get("actor")), body.get("reason"))

            async def make(session, app):
                pair = await store.one_app(session, app_id)
                now = datetime.now(UTC)
                if domain.liveness(app, pair[1], now, default_heartbeat_seconds=beat) == "hidup":
                    raise RegistryError("app_alive", f"Aplikasi {app_id} masih mengirim heartbeat; hentikan "
                                                     "bridge-nya dulu sebelum mempensiunkan", status=409)
                activity = (await liveness_store.activity(session, app_id)).get(app_id)
                if activity and activity["last_event_at"] and now - activity["last_event_at"] < threshold:
                    raise RegistryError("app_alive", f"Aplikasi {app_id} masih mengirim event (terakhir "
                                                     f"{activity['last_event_at']:%Y-%m-%d %H:%M} UTC)", status=409)
                return Change(app, changes.retire(app), "retired", actor, reason, now)

            return await change(app_id, make, who, "catalog.app.retire", reason)
        except RegistryError as exc:
            return _refused(exc)

    @router.get("/apps/{app_id}/history", response_model=HistoryPage,
                responses={404: {"description": "unknown_app"}, 422: {"description": "invalid"}})
    async def app_history(app_id: str, limit: int = Query(50, ge=1, le=500), before: int | None = Query(None, ge=1,
                                                                                                           le=2**31)):
        """Every change of the entry, newest first: who, when, what (before → after), why."""
        try:
            _check_id(app_id)
        except RegistryError as exc:
            return _refused(exc)
        async with runtime.sessions() as session:
            if await store.one_app(session, app_id) is None:
                return refusal(404, "unknown_app", f"Aplikasi {app_id} tidak ada di katalog")
            rows = await store.history(session, app_id, limit=limit, before=before)
        items = [HistoryEntry(**{**r, "changes": {k: {"before": v[0], "after": v[1]} for k, v in r["changes"].items()}})
                 for r in rows]
        last = items[-1].revision if items else None
        return HistoryPage(app_id=app_id, items=items, next_before=last if last and last > 1 else None)

    return router

