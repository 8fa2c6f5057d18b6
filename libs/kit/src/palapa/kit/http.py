"""HTTP pieces every service shares: health, readiness and metrics routes, the AsyncAPI document, API docs
and errors in one refusal shape, the uvicorn runner."""

from __future__ import annotations

import gc
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

import uvicorn
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from palapa.contracts.topics import Topic

from . import asyncapi, health
from .apidocs import install_api_docs
from .auth import ProtectionTable, citizen_validator_from, protect, validator_from
from .failures import is_transient
from .loops import Outage
from .metrics import CONTENT_TYPE_LATEST
from .runtime import Runtime
from .telemetry import configure_logging, instrument_app
from .wire import RefusingHttpToolsProtocol

log = logging.getLogger(__name__)


def health_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": runtime.name}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        parts = await runtime.ready()
        ok = all(v == "ok" for k, v in parts.items() if k not in health.INFORMATIONAL)
        return JSONResponse({"status": "ok" if ok else "degraded", **parts}, status_code=200 if ok else 503)

    @router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}})
    async def metrics() -> Response:
        """Prometheus metrics of this process (text exposition format), from memory: no query on a scrape."""
        return Response(runtime.metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return router


def asyncapi_router(runtime: Runtime, publishes: Sequence[Topic], *, title: str, version: str) -> APIRouter:
    router = APIRouter(tags=["docs"])
    built: list[dict] = []  # written once, at the first request: subscribers are all registered by then

    @router.get("/asyncapi.json")
    async def asyncapi_json() -> JSONResponse:
        """The AsyncAPI 3.0 document: the topics this service consumes and publishes, with payload schemas."""
        if not built:
            built.append(asyncapi.document(runtime, publishes, title=title, version=version))
        return JSONResponse(built[0])

    return router


def refusal(status: int, reason: str, detail: str) -> JSONResponse:
    """An error answer: `detail` in Bahasa Indonesia for people, `reason` a stable code for programs."""
    return JSONResponse({"detail": detail, "reason": reason}, status_code=status)


#: Answers for HTTP errors raised by the framework (unknown path, wrong method, …): reason and Bahasa Indonesia.
HTTP_REFUSALS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Permintaan tidak dapat dibaca"),
    404: ("not_found", "Alamat tidak ditemukan"),
    405: ("method_not_allowed", "Metode HTTP ini tidak diizinkan untuk alamat ini"),
    413: ("too_large", "Permintaan terlalu besar"),
    415: ("unsupported_media_type", "Jenis isi permintaan tidak didukung"),
}
INTERNAL_ERROR = ("internal_error", "Terjadi kesalahan di server; silakan coba lagi nanti")
UNAVAILABLE = ("unavailable", "Layanan sedang tidak tersedia; silakan coba lagi sebentar lagi")


def install_error_handlers(app: FastAPI) -> None:
    """Every error answers in the refusal shape `{"detail", "reason"}`: 4xx for bad requests, 500 otherwise."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        return JSONResponse(
            {"detail": "Permintaan tidak valid", "reason": "invalid_request", "errors": errors}, status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        reason, detail = HTTP_REFUSALS.get(exc.status_code, (f"http_{exc.status_code}", "Permintaan ditolak"))
        answer = refusal(exc.status_code, reason, detail)
        answer.headers.update(exc.headers or {})  # e.g. 405's Allow
        return answer

    app.add_middleware(_UnexpectedErrors)


class _UnexpectedErrors:
    """An unexpected exception answers 500 with a stable reason and is logged once, with its traceback.

    The database or broker being away answers 503 instead, logged once per outage rather than per
    request. A plain ASGI middleware inside Starlette's ServerErrorMiddleware: that one would answer and
    then re-raise, so the server would log the same error a second time.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.outage = Outage("database or broker, seen by HTTP requests", log)
        self.failed_on = None  # the endpoint that met the outage: its next success ends it

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            if started:  # too late for an answer: the server logs it once and closes the connection
                raise
            if is_transient(exc):  # the database or broker cannot be reached: retrying later can help
                self.outage.failed(exc)
                self.failed_on = scope.get("endpoint")
                answer = refusal(503, *UNAVAILABLE)
                answer.headers["Retry-After"] = "5"
            else:
                log.exception("unexpected error answering %s %s", scope.get("method"), scope.get("path"))
                answer = refusal(500, *INTERNAL_ERROR)
            await answer(scope, receive, send)
        else:
            # only that endpoint says the outage is over (/healthz succeeds without the database)
            if self.outage.ongoing and scope.get("endpoint") is self.failed_on:
                self.outage.recovered()


def serve(app: FastAPI, host: str, port: int, log_level: str = "info") -> None:
    configure_logging(log_level)
    uvicorn.run(app, host=host, port=port, log_level=log_level.lower(), access_log=False,
                http=RefusingHttpToolsProtocol)  # uvloop is picked up as the loop (measured: docs/messages.md)


def service_app(
    runtime: Runtime,
    *,
    title: str,
    routers: Sequence[APIRouter] = (),
    topics: tuple[Topic, ...] = (),
    publishes: Sequence[Topic] = (),
    on_start: Sequence[Callable[[], Awaitable[None]]] = (),
    on_stop: Sequence[Callable[[], Awaitable[None]]] = (),
    protection: ProtectionTable | None = None,
) -> FastAPI:
    """The FastAPI app of a service: its lifespan owns the runtime (broker, database, outbox relay).

    `publishes` names the topics the service's outbox writes to, for its AsyncAPI document (what it
    consumes is read off the runtime's subscribers). `protection` is the service's protection table
    (palapa.kit.auth): enforced on every route, with tokens checked against OIDC_ISSUER; a write route
    without a rule fails here, at build.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await runtime.start(topics)
        for hook in on_start:
            with runtime.phases.step(getattr(hook, "__name__", "on start")):
                await hook()
        log.info("%s %s", runtime.name, runtime.phases.line())
        gc.collect()
        gc.freeze()  # what start-up made lives as long as the process: later collections do not walk it again
        try:
            yield
        finally:
            for hook in on_stop:
                await hook()
            await runtime.stop()

    app = FastAPI(title=title, lifespan=lifespan, docs_url=None, redoc_url=None)
    install_api_docs(app)
    app.state.runtime = runtime
    app.include_router(health_router(runtime))
    app.include_router(asyncapi_router(runtime, publishes, title=title, version=app.version))
    for router in routers:
        app.include_router(router)
    if protection is not None:  # inside the error handling below: a bug in it still answers 500 once
        # every service's outbox, for SRE (the ops console asks each service): only behind a table
        from .audit.refusals import RefusalLog
        from .outbox_ops import RULES, outbox_router
        from .redeliver import RULES as REDELIVER_RULES
        from .redeliver import redeliver_router

        app.include_router(outbox_router(runtime))
        app.include_router(redeliver_router(runtime))
        protection = protection.extended(RULES + REDELIVER_RULES)
        protect(app, protection, validator_from(runtime.settings), citizen_validator_from(runtime.settings),
                RefusalLog(runtime.transaction, runtime.metrics))
    install_error_handlers(app)
    instrument_app(app, runtime.provider)
    return app
