"""Composition root of tracking-svc: build the app from settings; nothing connects at import."""

from __future__ import annotations

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.contracts.topics import ALL_TOPICS, SIMAKEL_COMMANDS, TICKET_UPDATES
from palapa.kit.http import serve, service_app
from palapa.kit.runtime import Runtime
from palapa.kit.sealed import Sealer
from palapa.kit.settings import load

from . import access, handlers, tables
from .api import tickets_router
from .incidents_api import incidents_router
from .letters_api import SEAL_PURPOSE, letters_router
from .settings import TrackingSettings

SERVICE = "tracking-svc"


def create_app(settings: TrackingSettings, *, exporter: SpanExporter | None = None) -> FastAPI:
    """The tracking-svc app: consumes letter requests and incidents, publishes TicketUpdated, serves tickets;
    takes citizens' letter requests and sends them to Si Makel (RequestLetter)."""
    runtime = Runtime(settings, SERVICE, tables.metadata, exporter=exporter)
    handlers.register(runtime)
    sealer = Sealer(settings.applicant_key.get_secret_value(), SEAL_PURPOSE)
    return service_app(
        runtime, title="Palapa tracking-svc",
        routers=[tickets_router(runtime), letters_router(runtime, sealer, settings.simakel_app_id),
                 incidents_router(runtime)],
        topics=ALL_TOPICS, publishes=(TICKET_UPDATES, SIMAKEL_COMMANDS), protection=access.TABLE,
    )


def main() -> None:
    settings = load(TrackingSettings, SERVICE)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
