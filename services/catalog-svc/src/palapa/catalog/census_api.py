"""The census import (POST /census) and the rationalization report (GET /report)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from pydantic import BaseModel

from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

from . import census, census_xlsx, store
from .report import report

#: A city's census is a few thousand rows; anything much larger is not a census form.
MAX_CENSUS_BYTES = 10 * 1024 * 1024


class RefusedRow(BaseModel):
    line: int
    reason: str


class CensusImported(BaseModel):
    read: int
    inserted: int
    updated: int
    refused: list[RefusedRow]
    encoding: str
    delimiter: str
    format: str = "csv"


def census_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["census"])

    @router.post("/census", response_model=CensusImported,
                 responses={413: {"description": "too_large"}, 422: {"description": "unreadable_census"}})
    async def import_census(request: Request):
        """Import a census CSV or XLSX (the request body): upsert every readable row, answer every refused one."""
        data = bytearray()
        async for chunk in request.stream():
            data += chunk
            if len(data) > MAX_CENSUS_BYTES:
                return refusal(413, "too_large", f"Berkas sensus paling besar {MAX_CENSUS_BYTES // 2**20} MB")
        try:
            # in a thread: a large sheet takes a second or two to unzip and read, the event loop must not wait
            found = await asyncio.to_thread(census_xlsx.parse_any, bytes(data))
        except census.CensusFileError as exc:
            return refusal(422, "unreadable_census", str(exc))
        async with runtime.sessions() as session, session.begin():
            inserted, updated = await store.upsert_census(session, found.apps)
        return CensusImported(
            read=len(found.apps), inserted=inserted, updated=updated, encoding=found.encoding,
            delimiter=found.delimiter, format=found.format,
            refused=[RefusedRow(line=r.line, reason=r.reason) for r in found.refused])

    @router.get("/report")
    async def rationalization_report() -> dict:
        """Counts by audience, kind, lifecycle and field, their crossings, and the consolidation plan."""
        async with runtime.sessions() as session:
            pairs = await store.all_apps(session)
        return report(app for app, _ in pairs)

    return router
