"""Composition root of catalog-svc: build the app from settings; nothing connects at import."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.contracts.topics import ALL_TOPICS, CATALOG_APPS
from palapa.kit.audit.api import audit_router
from palapa.kit.http import serve, service_app
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load

from . import access, tables
from .census.api import census_router
from .directory.api import directory_page_router, directory_router, load_directory
from .keys.api import keys_router, seed_keys
from .liveness import dormancy, handlers
from .registry import store as registry_store
from .registry.api import apps_router
from .registry.detail import detail_router
from .registry.edits import registry_router
from .registry.importing import seed_changes
from .registry.seed import SEED
from .report.api import report_router
from .settings import CatalogSettings

SERVICE = "catalog-svc"


def create_app(settings: CatalogSettings, *, exporter: SpanExporter | None = None) -> FastAPI:
    """The catalog-svc app: the seeded registry of apps, kept current by bridge heartbeats."""
    runtime = Runtime(settings, SERVICE, tables.metadata, exporter=exporter)
    dormant_after = timedelta(days=settings.dormant_after_days)
    handlers.register(runtime, dormant_after)
    if settings.follow_traffic:
        handlers.register_traffic(runtime, dormant_after)
    stop_checking = asyncio.Event()

    async def load_seed() -> None:
        async with runtime.transaction() as tx:
            known = await registry_store.lock_apps(tx.session, [a.app_id for a in SEED])
            tx.publish(*await registry_store.save(tx.session, seed_changes(known, SEED, datetime.now(UTC))))

    async def start_checking() -> None:
        runtime.spawn(dormancy.run(runtime, dormant_after, settings.dormant_check_seconds, stop_checking),
                      f"{SERVICE}-dormancy-check")

    async def stop_checks() -> None:
        stop_checking.set()

    async def load_services() -> None:
        await load_directory(runtime)
        if settings.signing_keys_seed is not None:
            await seed_keys(runtime, settings.signing_keys_seed)

    return service_app(
        runtime, title="Palapa catalog-svc",
        routers=[detail_router(runtime, settings), registry_router(runtime, settings), apps_router(runtime, settings),
                 census_router(runtime), report_router(runtime), directory_router(runtime, settings),
                 directory_page_router(settings), keys_router(runtime), audit_router(runtime)],
        topics=ALL_TOPICS, publishes=[CATALOG_APPS], on_start=[load_seed, load_services, start_checking],
        on_stop=[stop_checks], protection=access.TABLE,
    )


def main() -> None:
    settings = load(CatalogSettings, SERVICE)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
