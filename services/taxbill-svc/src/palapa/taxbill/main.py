"""Composition root of taxbill-svc: build the app from settings; nothing connects at import."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.contracts.topics import ALL_TOPICS, CITIZEN_BILLS, CITIZEN_CASES, TAX_REMINDERS
from palapa.kit.http import serve, service_app
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load

from . import access, handlers, tables
from .api import tax_bills_router
from .citizen import citizen_router
from .reminders import Reminders
from .settings import TaxBillSettings

SERVICE = "taxbill-svc"


def create_app(settings: TaxBillSettings, *, exporter: SpanExporter | None = None) -> FastAPI:
    """The taxbill-svc app: consumes palapa.tax.bills.v1, serves GET /tax-bills/{nop} and citizens' own NOPs."""
    runtime = Runtime(settings, SERVICE, tables.metadata, exporter=exporter)
    handlers.register(runtime)
    routers = [tax_bills_router(runtime), citizen_router(runtime)]
    reminders, stop = Reminders(runtime, settings.reminder_days), asyncio.Event()

    async def start_reminders() -> None:
        stop.clear()
        runtime.spawn(reminders.run(settings.reminder_check_seconds, stop), f"{SERVICE}-reminders")

    async def stop_reminders() -> None:
        stop.set()

    app = service_app(runtime, title="Palapa taxbill-svc", routers=routers, topics=ALL_TOPICS,
                      publishes=(TAX_REMINDERS, CITIZEN_CASES, CITIZEN_BILLS), protection=access.TABLE,
                      on_start=[start_reminders], on_stop=[stop_reminders])
    app.state.reminders = reminders
    return app


def main() -> None:
    settings = load(TaxBillSettings, SERVICE)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
