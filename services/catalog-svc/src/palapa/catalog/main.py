"""Composition root of catalog-svc: build the app from settings; nothing connects at import."""

from __future__ import annotations

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.contracts.topics import ALL_TOPICS
from palapa.kit.http import serve, service_app
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load

from . import handlers, store
from .api import apps_router
from .census_api import census_router
from .directory_api import directory_page_router, directory_router, load_directory
from .seed import SEED
from .settings import CatalogSettings

SERVICE = "catalog-svc"


def create_app(settings: CatalogSettings, *, exporter: SpanExporter | None = None) -> FastAPI:
    """The catalog-svc app: the seeded registry of apps, kept current by bridge heartbeats."""
    runtime = Runtime(settings, SERVICE, store.metadata, exporter=exporter)
    handlers.register(runtime)

    async def load_seed() -> None:
        async with runtime.sessions() as session, session.begin():
            await store.upsert_apps(session, SEED)

    async def load_services() -> None:
        await load_directory(runtime)

    routers = [apps_router(runtime, settings), census_router(runtime)]
    routers += [directory_router(runtime, settings), directory_page_router(settings)]
    return service_app(
        runtime, title="Palapa catalog-svc", routers=routers, topics=ALL_TOPICS,
        on_start=[load_seed, load_services],
    )


def main() -> None:
    settings = load(CatalogSettings, SERVICE)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
