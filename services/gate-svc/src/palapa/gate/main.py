"""Composition root of gate-svc: the citizen's pages and the gate's rate limiter; nothing connects at import.

gate-svc keeps no state of its own (no database, no broker): it reads catalog-svc and taxbill-svc over HTTP.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from palapa.kit.auth import validator_from
from palapa.kit.http import install_error_handlers, serve
from palapa.kit.settings import load

from .domain import PageCache
from .limit import limit_router, limiter_of
from .ops.console import Console, outbox_addresses
from .ops.routes import COOKIE as OPS_COOKIE
from .ops.routes import SRE_ROLES, ops_router
from .ops.routes import problem as ops_problem
from .pages import not_found, pages_router
from .settings import GateSettings
from .staff.cases import Cases
from .staff.desk import Desk
from .staff.oidc import Provider
from .staff.routes import COOKIE, problem, staff_router
from .staff.sessions import Sessions
from .upstream import Upstreams

SERVICE = "gate-svc"


def create_app(settings: GateSettings, *, transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """The gate-svc app; `transport` points its HTTP client elsewhere (tests)."""
    upstreams = Upstreams(settings, transport)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        try:
            yield
        finally:
            await upstreams.close()

    app = FastAPI(title="Palapa gate-svc", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.upstreams = upstreams

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        # ready on its own: each page says when the service behind it is away (the emergency page needs none)
        return JSONResponse({"status": "ok", "informational": await upstreams.reachable()})

    app.include_router(limit_router(limiter_of(settings)))
    app.include_router(pages_router(upstreams, PageCache(settings.page_cache_s)))
    app.include_router(_staff(settings, upstreams))
    install_error_handlers(app)

    kit_answer = app.exception_handlers[HTTPException]

    @app.exception_handler(HTTPException)
    async def _page_not_found(request: Request, exc: HTTPException) -> Response:
        """A person (a browser) asking for a page that does not exist gets a page; a program, the kit's refusal."""
        if exc.status_code == 404 and "text/html" in request.headers.get("accept", ""):
            return not_found("Halaman yang Anda cari tidak ada.")
        return await kit_answer(request, exc)

    return app


def _staff(settings: GateSettings, upstreams: Upstreams) -> APIRouter:
    """The staff workspace /petugas and the operations console /ops, each with its sign-in; without OIDC_ISSUER
    (development) their pages say sign-in is not configured."""
    validator = validator_from(settings)
    router = APIRouter(include_in_schema=False)
    if validator is None:
        @router.api_route("/petugas{rest:path}", methods=["GET", "POST"])
        async def not_configured(rest: str) -> Response:
            return problem(503, "Masuk petugas belum dikonfigurasi (OIDC_ISSUER).")

        @router.api_route("/ops{rest:path}", methods=["GET", "POST"])
        async def ops_not_configured(rest: str) -> Response:
            return ops_problem(503, "Masuk petugas belum dikonfigurasi (OIDC_ISSUER).")

        return router
    provider = Provider(settings.oidc_issuer, settings.staff_client_id, settings.staff_client_secret, validator,
                        upstreams.http)
    sessions = Sessions(settings.session_idle_s, settings.session_max_s)
    workspace = Desk("/petugas", COOKIE, provider, sessions, settings.staff_public_url, problem)
    console = Desk("/ops", OPS_COOKIE, provider, sessions, settings.staff_public_url, ops_problem, roles=SRE_ROLES)
    for desk in (workspace, console):
        router.include_router(desk.router())
    router.include_router(staff_router(workspace, Cases(settings.complaint_url, upstreams.http)))
    router.include_router(ops_router(console, Console(settings.ops_url, settings.catalog_url,
                                                      outbox_addresses(settings.outbox_urls), upstreams.http)))
    return router


def main() -> None:
    settings = load(GateSettings, SERVICE)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
