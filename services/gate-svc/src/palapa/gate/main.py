"""Composition root of gate-svc: the citizen's pages and the gate's rate limiter; nothing connects at import.

gate-svc keeps no database and no broker: it reads catalog-svc and taxbill-svc over HTTP; sessions and sign-in
codes live in its memory (citizen/accounts.py says why), and it is the issuer of citizens' tokens.
"""

from __future__ import annotations

import time
from contextlib import asynccontextmanager

import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from palapa.kit.auth import Jwks, TokenValidator, validator_from
from palapa.kit.http import install_error_handlers, serve
from palapa.kit.settings import load

from .citizen.accounts import COOKIE as CITIZEN_COOKIE
from .citizen.accounts import Citizens, WhoIsSignedIn
from .citizen.inapas import inapas_router
from .citizen.routes import citizen_router, message
from .citizen.services import CitizenBills, CitizenCases, CitizenIncidents, CitizenLetters, Notifier
from .citizen.tokens import Minter, key_from
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


def create_app(settings: GateSettings, *, transport: httpx.AsyncBaseTransport | None = None,
               clock=time.time) -> FastAPI:
    """The gate-svc app; `transport` points its HTTP client elsewhere (tests)."""
    upstreams = Upstreams(settings, transport)
    citizens = _citizens(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        try:
            yield
        finally:
            await upstreams.close()

    app = FastAPI(title="Palapa gate-svc", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.upstreams = upstreams
    app.state.citizens = citizens  # tests open sessions on it

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        # ready on its own: each page says when the service behind it is away (the emergency page needs none)
        return JSONResponse({"status": "ok", "informational": await upstreams.reachable()})

    @app.get("/.well-known/openid-configuration", include_in_schema=False)
    async def issuer() -> JSONResponse:
        """The citizens' token issuer, as services discover it (the kit's Jwks reads jwks_uri)."""
        return JSONResponse(citizens.minter.discovery(), headers={"Cache-Control": "public, max-age=300"})

    @app.get("/.well-known/jwks.json", include_in_schema=False)
    async def jwks() -> JSONResponse:
        return JSONResponse(citizens.minter.jwks(), headers={"Cache-Control": "public, max-age=300"})

    def citizen_token(request: Request) -> str | None:
        session = citizens.get(request.cookies.get(CITIZEN_COOKIE), clock())
        return citizens.token(session, clock()) if session is not None else None

    def stream_token(request: Request) -> str | None:
        session = citizens.get(request.cookies.get(CITIZEN_COOKIE), clock(), touch=False)
        return citizens.token(session, clock()) if session is not None else None

    app.include_router(limit_router(limiter_of(settings), citizen_token=citizen_token, stream_token=stream_token))
    app.include_router(pages_router(upstreams, PageCache(settings.page_cache_s)))
    app.include_router(citizen_router(citizens, Notifier(settings.notify_url,
                                                         settings.notify_api_key.get_secret_value(), upstreams.http),
                                      CitizenCases(settings.complaint_url, upstreams.http),
                                      CitizenBills(settings.taxbill_url, upstreams.http),
                                      CitizenLetters(settings.tracking_url, upstreams.http),
                                      CitizenIncidents(settings.tracking_url, upstreams.http),
                                      settings.staff_public_url, clock))
    pending = Sessions(settings.session_idle_s, settings.session_max_s)  # INApas sign-ins under way
    app.include_router(inapas_router(_inapas(settings, upstreams), pending, citizens, settings.staff_public_url,
                                     message, clock))
    app.include_router(_staff(settings, upstreams))
    app.add_middleware(WhoIsSignedIn, citizens=citizens, clock=clock)
    install_error_handlers(app)

    kit_answer = app.exception_handlers[HTTPException]

    @app.exception_handler(HTTPException)
    async def _page_not_found(request: Request, exc: HTTPException) -> Response:
        """A person (a browser) asking for a page that does not exist gets a page; a program, the kit's refusal."""
        if exc.status_code == 404 and "text/html" in request.headers.get("accept", ""):
            return not_found("Halaman yang Anda cari tidak ada.")
        return await kit_answer(request, exc)

    return app


def _citizens(settings: GateSettings) -> Citizens:
    """Citizens' sign-in and sessions; tokens name CITIZEN_ISSUER (unset: gate-svc's own address)."""
    issuer = settings.citizen_issuer or f"http://{settings.http_host}:{settings.http_port}"
    key = key_from(settings.citizen_key.get_secret_value() if settings.citizen_key else None)
    return Citizens(settings, Minter(issuer, settings.citizen_audience, key))


def _inapas(settings: GateSettings, upstreams: Upstreams) -> Provider | None:
    """INApas as the citizens' level-3 sign-in; None without an issuer (its pages then say it is not available)."""
    issuer = settings.inapas_issuer or settings.oidc_issuer
    if not issuer:
        return None
    validator = TokenValidator(Jwks(issuer), audience=settings.inapas_client_id, leeway_s=settings.oidc_leeway_s)
    secret = settings.inapas_client_secret.get_secret_value() if settings.inapas_client_secret else "palapa-local-only"
    return Provider(issuer, settings.inapas_client_id, secret, validator, upstreams.http)


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
                                                      outbox_addresses(settings.outbox_urls), upstreams.http,
                                                      complaint_url=settings.complaint_url)))
    return router


def main() -> None:
    settings = load(GateSettings, SERVICE)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
