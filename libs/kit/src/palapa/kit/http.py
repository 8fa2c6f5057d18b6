"""HTTP pieces every service shares: health routes, JSON errors with a reason, the uvicorn runner."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

import uvicorn
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from palapa.contracts.topics import Topic

from .runtime import Runtime
from .telemetry import configure_logging, instrument_app


def health_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": runtime.name}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        parts = await runtime.ready()
        ok = all(v == "ok" for v in parts.values())
        return JSONResponse({"status": "ok" if ok else "degraded", **parts}, status_code=200 if ok else 503)

    return router


def refusal(status: int, reason: str, detail: str) -> JSONResponse:
    """An error answer: `detail` in Bahasa Indonesia for people, `reason` a stable code for programs."""
    return JSONResponse({"detail": detail, "reason": reason}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    """A bad request is answered 422 with a readable reason, in Bahasa Indonesia and machine form."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        return JSONResponse({"detail": "Permintaan tidak valid", "errors": errors}, status_code=422)


def serve(app: FastAPI, host: str, port: int, log_level: str = "info") -> None:
    configure_logging(log_level)
    uvicorn.run(app, host=host, port=port, log_level=log_level.lower(), access_log=False)


def service_app(
    runtime: Runtime,
    *,
    title: str,
    routers: Sequence[APIRouter] = (),
    topics: tuple[Topic, ...] = (),
    on_start: Sequence[Callable[[], Awaitable[None]]] = (),
    on_stop: Sequence[Callable[[], Awaitable[None]]] = (),
) -> FastAPI:
    """The FastAPI app of a service: its lifespan owns the runtime (broker, database, outbox relay)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await runtime.start(topics)
        for hook in on_start:
            await hook()
        try:
            yield
        finally:
            for hook in on_stop:
                await hook()
            await runtime.stop()

    app = FastAPI(title=title, lifespan=lifespan)
    app.state.runtime = runtime
    app.include_router(health_router(runtime))
    for router in routers:
        app.include_router(router)
    install_error_handlers(app)
    instrument_app(app, runtime.provider)
    return app
