"""The census import (POST /census): every readable row into the registry, every refused one answered."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel

from palapa.kit.auth import Staff
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

from ..access import actor_for
from ..registry import store as registry_store
from ..registry.changes import RegistryError, check_who
from ..registry.importing import census_changes
from . import parse, xlsx

#: A city's census is a few thousand rows; anything much larger is not a census form.
MAX_CENSUS_BYTES = 10 * 1024 * 1024


class RefusedRow(BaseModel):
    line: int
    reason: str


class CensusImported(BaseModel):
    read: int
    inserted: int
    updated: int
    changed: int = 0  # apps whose entry differs after the import (each with a history row and an event)
    refused: list[RefusedRow]
    encoding: str
    delimiter: str
    format: str = "csv"


def census_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["census"])

    @router.post("/census", response_model=CensusImported,
                 responses={413: {"description": "too_large"}, 422: {"description": "unreadable_census"}})
    async def import_census(request: Request, who: Staff, actor: str | None = None,
                            reason: str = "Impor sensus aplikasi"):
        """Import a census CSV or XLSX (the request body): upsert every readable row, answer every refused one.

        Every app new or changed gets a history row (the signed-in account, reason) and an AppRegistered /
        AppChanged event; the import is one record of the audit log.
        """
        try:
            actor, reason = check_who(actor_for(who, actor), reason)
        except RegistryError as exc:
            return refusal(exc.status, exc.reason, exc.detail)
        data = bytearray()
        async for chunk in request.stream():
            data += chunk
            if len(data) > MAX_CENSUS_BYTES:
                return refusal(413, "too_large", f"Berkas sensus paling besar {MAX_CENSUS_BYTES // 2**20} MB")
        try:
            # in a thread: a large sheet takes a second or two to unzip and read, the event loop must not wait
            found = await asyncio.to_thread(xlsx.parse_any, bytes(data))
        except parse.CensusFileError as exc:
            return refusal(422, "unreadable_census", str(exc))
        async with runtime.transaction() as tx:
            known = await registry_store.lock_apps(tx.session, [a.app_id for a in found.apps])
            changes = census_changes(known, found.apps, actor, reason, datetime.now(UTC))
            events = await registry_store.save(tx.session, changes)
            tx.publish(*events)
            tx.audit(who, "catalog.census.import", ("census", found.format), why=reason, after={
                "read": len(found.apps), "refused": len(found.refused),
                "changed": sorted({e.subject for e in events if e.subject})})
        return CensusImported(
            read=len(found.apps), inserted=len(found.apps) - len(known), updated=len(known), changed=len(events),
            encoding=found.encoding,
            delimiter=found.delimiter, format=found.format,
            refused=[RefusedRow(line=r.line, reason=r.reason) for r in found.refused])

    return router
