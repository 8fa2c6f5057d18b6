"""Composition root of tracking-svc: build the app from settings; nothing connects at import."""

from __future__ import annotations

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.contracts.topics import ALL_TOPICS, TICKET_UPDATES
from palapa.kit.http import serve, service_app
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load

from . import access, handlers, tables
from .api import tickets_router
from .settings import TrackingSettings

SERVICE = "tracking-svc"


def create_app(settings: TrackingSettings, *, exporter: SpanExporter | None = None) -> FastAPI:
    """The tracking-svc app: consumes letter requests and incidents, publishes TicketUpdated, serves tickets."""
    runtime = Runtime(settings, SERVICE, tables.metadata, exporter=exporter)
    handlers.register(runtime)
    return service_app(
        runtime, title="Palapa tracking-svc", routers=[tickets_router(runtime)], topics=ALL_TOPICS,
        publishes=(TICKET_UPDATES,), protection=access.TABLE,
    )


def main() -> None:
    settings = load(TrackingSettings, SERVICE)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
