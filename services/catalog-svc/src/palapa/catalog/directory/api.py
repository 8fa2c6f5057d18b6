"""The directory's API: search services the way citizens speak, import services, edit synonyms; the page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel

from palapa.kit.auth import Staff
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

from ..registry.domain import BadSearchError
from ..settings import CatalogSettings
from . import domain, search, store, synonyms
from .cache import CorrectionCache, SynonymCache

MAX_FILE_BYTES = 10 * 1024 * 1024
DATA = files("palapa.catalog.directory") / "data"
PAGE = Path(__file__).with_name("page")
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


class Served(BaseModel):
    where: Literal["portal", "tautan"]
    url: str | None


class ServiceHit(BaseModel):
    service_id: str
    name: str
    app_id: str
    app_name: str
    opd: str
    field: str
    audience: str
    description: str
    requirements: list[str]
    fee: int | None
    fee_text: str
    days: int
    days_text: str
    served: Served


class SearchResult(BaseModel):
    query: str
    corrected: dict[str, str]
    items: list[ServiceHit]


class Imported(BaseModel):
    read: int
    inserted: int
    updated: int
    refused: list[dict]


class SynonymGroupBody(BaseModel):
    terms: list[str]


class SynonymGroupRead(BaseModel):
    group_id: str
    terms: list[str]


def _hit(row, portal_url: str) -> dict:
    """A hit as ServiceHit's JSON (built directly: the search answers many, and is the hot path)."""
    where, url = domain.served_at(row.bridge, row.url, portal_url)
    return {"service_id": row.service_id, "name": row.name, "app_id": row.app_id, "app_name": row.app_name,
            "opd": row.opd, "field": row.field, "audience": row.audience, "description": row.description,
            "requirements": list(row.requirements), "fee": row.fee, "fee_text": domain.fee_text(row.fee),
            "days": row.days, "days_text": domain.days_text(row.days), "served": {"where": where, "url": url}}


async def load_directory(runtime: Runtime) -> None:
    """At start: the shipped services and synonym groups that are missing (the city's edits are kept)."""
    found = domain.parse((DATA / "mojokerto-services.csv").read_bytes())
    groups, _ = domain.parse_synonyms((DATA / "directory-synonyms.csv").read_bytes())
    async with runtime.sessions() as session, session.begin():
        await store.upsert_services(session, found.services, replace=False)
        await store.put_synonyms(session, groups, replace=False)


@asynccontextmanager
async def _reading(runtime: Runtime) -> AsyncIterator:
    """A connection for reads in autocommit: no BEGIN and ROLLBACK round trips around each search."""
    async with runtime.engine.connect() as conn:
        yield await conn.execution_options(isolation_level="AUTOCOMMIT")


async def _body(request: Request) -> bytes | None:
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_FILE_BYTES:
            return None
    return bytes(data)


def directory_router(runtime: Runtime, settings: CatalogSettings) -> APIRouter:
    router = APIRouter(tags=["directory"])
    cache = SynonymCache(runtime)
    typos = CorrectionCache()
    portal = settings.citizen_page_url

    @router.get("/directory/search", response_model=SearchResult, responses={422: {"description": "bad parameter"}})
    async def search_services(q: str | None = None, opd: str | None = None, field: str | None = None,
                              audience: str | None = None, limit: str | None = None):
        """Services matching a citizen's words (stemming, synonyms, typos), best first, with what each needs."""
        try:
            query = search.check(q, opd, field, audience, limit)
        except BadSearchError as exc:
            return refusal(422, exc.reason, exc.detail)
        async with _reading(runtime) as session:
            groups = await cache.get(session)
            fixed = await typos.get(session, query.typo_candidates(synonyms.vocabulary(groups)))
            segments = synonyms.expand([fixed.get(w, w) for w in query.words], groups)
            rows = await store.search(session, query, segments)
        return JSONResponse({"query": query.text, "corrected": fixed, "items": [_hit(r, portal) for r in rows]})

    @router.get("/directory/services/{service_id}", response_model=ServiceHit,
                responses={404: {"description": "unknown"}})
    async def read_service(service_id: str):
        if not domain.SERVICE_ID.fullmatch(service_id):
            return refusal(422, "malformed_service_id",
                           "ID layanan hanya huruf kecil, angka dan '-', 2 sampai 64 karakter")
        async with _reading(runtime) as session:
            row = await store.one_service(session, service_id)
        if row is None:
            return refusal(404, "unknown_service", f"Layanan {service_id} tidak ada di direktori")
        return _hit(row, portal)

    @router.post("/directory/services", response_model=Imported,
                 responses={413: {"description": "too_large"}, 422: {"description": "unreadable_file"}})
    async def import_services(request: Request, who: Staff):
        """Import a directory CSV (the request body): upsert every readable service, answer every refused line."""
        data = await _body(request)
        if data is None:
            return refusal(413, "too_large", f"Berkas paling besar {MAX_FILE_BYTES // 2**20} MB")
        try:
            found = domain.parse(data)
        except domain.DirectoryFileError as exc:
            return refusal(422, "unreadable_file", str(exc))
        async with runtime.transaction() as tx:
            inserted, updated = await store.upsert_services(tx.session, found.services)
            tx.audit(who, "directory.services.import", ("directory", "services"), after={
                "read": len(found.services), "inserted": inserted, "updated": updated,
                "services": sorted(s.service_id for s in found.services)[:500]})
        typos.forget()
        return Imported(read=len(found.services), inserted=inserted, updated=updated,
                        refused=[{"line": line, "reason": reason} for line, reason in found.refused])

    @router.delete("/directory/services/{service_id}", status_code=204, responses={404: {"description": "unknown"}})
    async def delete_service(service_id: str, who: Staff):
        async with runtime.transaction() as tx:
            if not await store.delete_service(tx.session, service_id[:64]):
                return refusal(404, "unknown_service", f"Layanan {service_id[:64]} tidak ada di direktori")
            tx.audit(who, "directory.service.delete", ("directory_service", service_id[:64]))
        return None

    @router.get("/directory/synonyms", response_model=list[SynonymGroupRead])
    async def list_synonyms():
        """The city's abbreviations and synonyms: each group's phrases find each other."""
        async with _reading(runtime) as session:
            groups = await store.all_synonyms(session)
        return [SynonymGroupRead(group_id=g.group_id, terms=list(g.terms)) for g in groups]

    @router.put("/directory/synonyms/{group_id}", response_model=SynonymGroupRead,
                responses={422: {"description": "invalid_synonyms"}})
    async def put_synonyms(group_id: str, body: SynonymGroupBody, who: Staff):
        """Create or replace a synonym group (e.g. ["KTP", "kartu tanda penduduk", "KTP-el"])."""
        try:
            group = synonyms.SynonymGroup.of(group_id, body.terms)
        except synonyms.InvalidSynonymsError as exc:
            return refusal(422, "invalid_synonyms", str(exc))
        async with runtime.transaction() as tx:
            before = {g.group_id: list(g.terms) for g in await store.all_synonyms(tx.session)}.get(group.group_id)
            await store.put_synonyms(tx.session, [group])
            tx.audit(who, "directory.synonyms.put", ("synonym_group", group.group_id), before=before,
                     after=list(group.terms))
        cache.forget()
        typos.forget()
        return SynonymGroupRead(group_id=group.group_id, terms=list(group.terms))

    @router.delete("/directory/synonyms/{group_id}", status_code=204, responses={404: {"description": "unknown"}})
    async def delete_synonyms(group_id: str, who: Staff):
        async with runtime.transaction() as tx:
            if not await store.delete_synonyms(tx.session, group_id[:64]):
                return refusal(404, "unknown_synonyms", f"Grup sinonim {group_id[:64]} tidak ada")
            tx.audit(who, "directory.synonyms.delete", ("synonym_group", group_id[:64]))
        cache.forget()
        return None

    return router


def directory_page_router(settings: CatalogSettings) -> APIRouter:
    """The search page in Bahasa Indonesia (same origin as the search API), and its link to the citizen page."""
    router = APIRouter(tags=["page"], include_in_schema=False)

    def asset(name: str, media: str):
        async def serve() -> FileResponse:
            return FileResponse(PAGE / name, media_type=media, headers=PAGE_HEADERS)
        return serve

    router.add_api_route("/directory/", asset("index.html", "text/html; charset=utf-8"), methods=["GET"])
    router.add_api_route("/directory/app.js", asset("app.js", "text/javascript; charset=utf-8"), methods=["GET"])
    router.add_api_route("/directory/style.css", asset("style.css", "text/css; charset=utf-8"), methods=["GET"])

    @router.get("/directory")
    async def bare() -> RedirectResponse:
        return RedirectResponse("/directory/", status_code=308)

    @router.get("/directory/lacak")
    async def citizen_page() -> RedirectResponse:
        return RedirectResponse(settings.citizen_page_url, status_code=303)

    return router
