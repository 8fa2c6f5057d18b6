"""Composition root of complaint-svc: build the app from settings; nothing connects at import."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.contracts.topics import ALL_TOPICS, COMPLAINT_SLA, COMPLAINT_UPDATES, CURHAT_COMMANDS
from palapa.kit.audit.api import audit_router
from palapa.kit.http import serve, service_app
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load

from . import handlers, tables
from .cases.access import TABLE
from .cases.api import complaints_router
from .cases.citizen import citizen_router
from .cases.escalations import escalations_router
from .identity import Keys
from .open311.api import open311_router
from .portal.api import portal_router
from .routing.api import admin_router
from .routing.policy import Policies
from .settings import ComplaintSettings
from .sla.api import stats_router
from .sla.checker import Checker
from .sla.workdays import WorkCalendar

SERVICE = "complaint-svc"


def create_app(settings: ComplaintSettings, *, exporter: SpanExporter | None = None) -> FastAPI:
    """The complaint-svc app: consumes the intake topic, publishes updates, serves the case API."""
    runtime = Runtime(settings, SERVICE, tables.metadata, exporter=exporter)
    policies = Policies(WorkCalendar(settings.closures), settings.forward_working_days, settings.due_working_days)
    keys = Keys.from_settings(settings)
    handlers.register(runtime, policies, keys, settings.write_back_opds)
    checker, stop = Checker(runtime, policies), asyncio.Event()

    async def start_checker() -> None:
        stop.clear()
        runtime.spawn(checker.run(settings.sla_check_seconds, stop), f"{SERVICE}-deadline-checker")

    async def stop_checker() -> None:
        stop.set()

    app = service_app(
        runtime,
        title="Palapa complaint-svc",
        topics=ALL_TOPICS,
        publishes=(COMPLAINT_UPDATES, COMPLAINT_SLA, CURHAT_COMMANDS),
        routers=[
            complaints_router(runtime, policies, keys),
            escalations_router(runtime),
            citizen_router(runtime),
            admin_router(runtime),
            stats_router(runtime),
            open311_router(runtime, keys, settings.track_url),
            portal_router(runtime, settings.track_url, keys),
            audit_router(runtime),
        ],
        protection=TABLE,
        on_start=[start_checker],
        on_stop=[stop_checker],
    )
    app.state.checker = checker
    return app


def main() -> None:
    settings = load(ComplaintSettings, SERVICE)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
