"""The signing-key registry's routes: the public key set every consumer reads, registration and retirement
(catalog admins and SRE, on the audit log)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from palapa.kit.auth import Staff
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime
from palapa.kit.signing import ANY_APP

from ..access import account
from . import domain, store

log = logging.getLogger(__name__)


class KeyRegistration(BaseModel):
    app_id: str = Field(max_length=64)
    jwk: dict[str, Any]
    why: str | None = Field(None, max_length=500)


class KeyRetirement(BaseModel):
    grace_seconds: int = Field(int(domain.DEFAULT_GRACE.total_seconds()), ge=0,
                               le=int(domain.MAX_GRACE.total_seconds()))
    why: str | None = Field(None, max_length=500)


class KeyEntry(BaseModel):
    app_id: str
    kid: str
    jwk: dict[str, Any]
    status: str
    retires_at: str | None


class KeySet(BaseModel):
    keys: list[KeyEntry]


def keys_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["signing keys"])

    @router.get("/signing-keys", response_model=KeySet)
    async def list_keys():
        """Every registered key with its app and status (active, retiring until retires_at, retired)."""
        async with runtime.sessions() as session:
            keys = await store.all_keys(session)
        now = datetime.now(UTC)
        return {"keys": [k.listed(now) for k in keys]}

    @router.post("/signing-keys", response_model=KeyEntry, status_code=201,
                 responses={200: {"description": "already registered"}, 409: {"description": "kid_taken"},
                            422: {"description": "invalid key"}})
    async def register_key(body: KeyRegistration, who: Staff):
        """Register a producer's public key for an app (rotation: register the new key, switch the producer to
        it, then retire the old one)."""
        now = datetime.now(UTC)
        try:
            jwk = domain.checked_public_jwk(body.app_id, body.jwk)
            async with runtime.transaction() as tx:
                known = await store.with_kid(tx.session, jwk["kid"], for_update=True)
                new = domain.register(known, body.app_id, jwk, account(who), now)
                if new is not None:
                    await store.add(tx.session, new)
                    tx.audit(who, "signing_key.register", ("signing_key", f"{new.app_id}/{new.kid}"),
                             after=new.listed(now), why=body.why)
        except domain.KeyRefusedError as exc:
            return refusal(exc.status, exc.reason, exc.detail)
        if new is None:  # registering again changes nothing (the launcher registers at every start)
            same = next(k for k in known if k.app_id == body.app_id)
            return JSONResponse(same.listed(now), status_code=200)
        return new.listed(now)

    @router.post("/signing-keys/{app_id}/{kid}/retire", response_model=KeyEntry,
                 responses={404: {"description": "unknown_key"}})
    async def retire_key(app_id: str, kid: str, body: KeyRetirement, who: Staff):
        """Retire a key after a grace period (consumers accept it until then; 0 retires it at once)."""
        now = datetime.now(UTC)
        async with runtime.transaction() as tx:
            found = [k for k in await store.with_kid(tx.session, kid[:100], for_update=True) if k.app_id == app_id]
            if not found:
                return refusal(404, "unknown_key", f"Kunci {kid[:100]} tidak terdaftar untuk {app_id[:64]}")
            retired = domain.retire(found[0], timedelta(seconds=body.grace_seconds), now)
            if retired != found[0]:
                await store.set_retires_at(tx.session, retired)
                tx.audit(who, "signing_key.retire", ("signing_key", f"{app_id}/{retired.kid}"),
                         before=found[0].listed(now), after=retired.listed(now), why=body.why)
        return retired.listed(now)

    return router


async def seed_keys(runtime: Runtime, path: Path) -> int:
    """Register the public keys of a key-set file (the launcher's, written as it makes each process's key);
    a key already there, or retired since, is left as it is. Returns how many were new."""
    doc = json.loads(path.read_text())
    now, added = datetime.now(UTC), 0
    async with runtime.transaction() as tx:
        for entry in doc.get("keys", []):
            if entry.get("app_id") == ANY_APP:
                continue  # a development trust file's key for any app: the registry never holds one
            try:
                jwk = domain.checked_public_jwk(entry.get("app_id"), entry.get("jwk"))
                new = domain.register(await store.with_kid(tx.session, jwk["kid"], for_update=True),
                                      entry["app_id"], jwk, "seed", now)
            except domain.KeyRefusedError as exc:
                log.warning("signing key seed %s: %s skipped: %s", path, entry.get("kid"), exc.detail)
                continue
            if new is not None:
                await store.add(tx.session, new)
                added += 1
    return added
