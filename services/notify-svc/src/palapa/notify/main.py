"""Composition root of notify-svc: build the app from settings; nothing connects at import."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.contracts.topics import ALL_TOPICS
from palapa.kit.capability import HEADER
from palapa.kit.http import serve, service_app
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load

from . import access, handlers, tables
from .api import page_router, tickets_router
from .directory_link import directory_link_router
from .hub import Hub
from .settings import NotifySettings

SERVICE = "notify-svc"


def create_app(settings: NotifySettings, *, exporter: SpanExporter | None = None) -> FastAPI:
    """The notify-svc app: consumes complaint and ticket updates, serves the live feed and the citizen page."""
    runtime = Runtime(settings, SERVICE, tables.metadata, exporter=exporter)
    hub = Hub(queue_size=settings.client_queue_size)
    handlers.register(runtime, hub)

    async def close_streams() -> None:
        hub.close()

    app = service_app(
        runtime,
        title="Palapa notify-svc",
        routers=[tickets_router(runtime, hub, settings), page_router(), directory_link_router(settings)],
        topics=ALL_TOPICS,
        on_stop=[close_streams],
        protection=access.TABLE,
    )
    app.state.hub = hub
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET"],
            allow_headers=["Last-Event-ID", "Cache-Control", HEADER],  # HEADER: the case's key
            max_age=600,
        )
    return app


def main() -> None:
    settings = load(NotifySettings, SERVICE)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
