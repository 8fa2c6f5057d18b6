"""Composition root of complaint-svc: build the app from settings; nothing connects at import."""

from __future__ import annotations

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.contracts.topics import ALL_TOPICS, COMPLAINT_UPDATES
from palapa.kit.http import serve, service_app
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load

from . import handlers, store
from .api import complaints_router
from .open311_api import open311_router
from .portal_api import portal_router
from .settings import ComplaintSettings
from .workdays import WorkCalendar

SERVICE = "complaint-svc"


def create_app(settings: ComplaintSettings, *, exporter: SpanExporter | None = None) -> FastAPI:
    """The complaint-svc app: consumes the intake topic, publishes updates, serves the case API."""
    runtime = Runtime(settings, SERVICE, store.metadata, exporter=exporter)
    calendar = WorkCalendar(settings.closures)
    handlers.register(runtime, calendar.deadline(settings.due_working_days))
    return service_app(
        runtime,
        title="Palapa complaint-svc",
        routers=[complaints_router(runtime), open311_router(runtime), portal_router(runtime, settings.track_url)],
        topics=ALL_TOPICS,
        publishes=(COMPLAINT_UPDATES,),
    )


def main() -> None:
    settings = load(ComplaintSettings, SERVICE)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
