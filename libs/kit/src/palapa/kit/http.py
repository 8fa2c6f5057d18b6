"""HTTP pieces every service shares: health routes, JSON errors with a reason, the uvicorn runner."""

from __future__ import annotations

import logging

import uvicorn
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from .runtime import Runtime


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


def install_error_handlers(app: FastAPI) -> None:
    """A bad request is answered 422 with a readable reason, in Bahasa Indonesia and machine form."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        return JSONResponse({"detail": "Permintaan tidak valid", "errors": errors}, status_code=422)


def serve(app: FastAPI, host: str, port: int, log_level: str = "info") -> None:
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    uvicorn.run(app, host=host, port=port, log_level=log_level.lower(), access_log=False)
