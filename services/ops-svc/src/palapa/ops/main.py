"""Composition root of ops-svc: build the app from settings; nothing connects at import."""

from __future__ import annotations

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.contracts.events.platform import AUDIT
from palapa.contracts.topics import ALL_TOPICS
from palapa.kit.audit.api import audit_router
from palapa.kit.http import serve, service_app
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load

from . import access, handlers, tables
from .api import letters_router
from .settings import OpsSettings

SERVICE = "ops-svc"


def create_app(settings: OpsSettings, *, exporter: SpanExporter | None = None) -> FastAPI:
    """The ops-svc app: keeps every dead letter, serves them to SRE, re-drives them through its outbox."""
    runtime = Runtime(settings, SERVICE, tables.metadata, exporter=exporter)
    handlers.register(runtime)
    # re-driven records go back to their own topics (any topic of the platform), beside its audit events
    return service_app(
        runtime, title="Palapa ops-svc", routers=[letters_router(runtime), audit_router(runtime)], topics=ALL_TOPICS,
        publishes=(AUDIT,), protection=access.TABLE,
    )


def main() -> None:
    settings = load(OpsSettings, SERVICE)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
