"""A service's app run in-process for a test: its lifespan entered, and an HTTP client on it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn

from palapa.kit.wire import RefusingHttpToolsProtocol

from .waiting import eventually


@dataclass
class Service:
    """A running app: `http` reaches it, `runtime` is its kit Runtime."""

    app: Any
    http: httpx.AsyncClient
    base_url: str
    server: uvicorn.Server | None = None
    task: asyncio.Task | None = None

    @property
    def runtime(self):
        return self.app.state.runtime

    def stop(self) -> None:
        """Ask the server to shut down while the test goes on (served apps only)."""
        if self.server is None:
            raise RuntimeError("only a served app (running(app, port=...)) can be stopped early")
        self.server.should_exit = True

    async def stopped(self) -> None:
        """Wait until the server has shut down (after `stop()`)."""
        if self.task is not None:
            await asyncio.shield(self.task)


@contextlib.asynccontextmanager
async def running(app, *, port: int | None = None, name: str = "service") -> AsyncIterator[Service]:
    """Run `app` with its lifespan until the block ends.

    Without `port` it is reached in-process through ASGI (`http://<name>`); with `port`, uvicorn serves
    it on 127.0.0.1:port, which a test needs for long-lived streams (SSE) and for a real browser.
    """
    if port is None:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url=f"http://{name}") as http:
                yield Service(app, http, str(http.base_url))
        return
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on",
                       timeout_graceful_shutdown=5, http=RefusingHttpToolsProtocol)  # as palapa.kit.http.serve
    )
    task = asyncio.create_task(server.serve())
    # a start runs the service's migrations and joins the broker: on a loaded 2-core host that can take a minute
    await eventually(lambda: server.started or task.done(), timeout=180, what="uvicorn to start")
    if task.done():
        task.result()
        raise RuntimeError("uvicorn stopped during startup")
    base_url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(10, read=30)) as http:
            yield Service(app, http, base_url, server, task)
    finally:
        server.should_exit = True
        await task


@contextlib.asynccontextmanager
async def migrated_session(database_url: str, metadata) -> AsyncIterator[Any]:
    """A session in an open transaction on `database_url`, its schema migrated as the service's start would:
    for handler tests, which need the database but no broker."""
    from palapa.kit.db import make_engine, sessions
    from palapa.kit.migrate import upgrade

    engine = make_engine(database_url)
    try:
        await upgrade(engine, metadata)
        async with sessions(engine)() as session, session.begin():
            yield session
    finally:
        await engine.dispose()


async def asyncapi_document(app) -> dict:
    """The app's /asyncapi.json, read through ASGI without starting it (no broker, no database)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as http:
        doc = (await http.get("/asyncapi.json")).json()
    app.state.runtime.provider.shutdown()
    return doc
