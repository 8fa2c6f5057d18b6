"""Composition root of ops-svc: build the app from settings; nothing connects at import."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.contracts.events.platform import AUDIT
from palapa.contracts.topics import ALL_TOPICS
from palapa.kit.audit.api import audit_router
from palapa.kit.http import serve, service_app
from palapa.kit.links import process_urls
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load

from . import access, handlers, tables
from .api import letters_router
from .lagapi import lag_router
from .lagsampler import ClientCredentials, LagSampler, Token
from .settings import OpsSettings

SERVICE = "ops-svc"


def create_app(settings: OpsSettings, *, exporter: SpanExporter | None = None, lag_token: Token | None = None,
               ) -> FastAPI:
    """The ops-svc app: keeps every dead letter, serves them to SRE, re-drives them through its outbox (or
    straight to the consumer that refused them), samples every process's consumer lag. `lag_token` stands in
    for the client-credentials grant (tests)."""
    runtime = Runtime(settings, SERVICE, tables.metadata, exporter=exporter)
    handlers.register(runtime)
    http, stop = httpx.AsyncClient(timeout=10), asyncio.Event()
    if lag_token is None and settings.client_id and settings.client_secret and settings.oidc_issuer:
        lag_token = ClientCredentials(settings.oidc_issuer, settings.client_id,
                                      settings.client_secret.get_secret_value(), http)
    targets = process_urls(settings.consumers_urls)
    sampler = LagSampler(runtime, targets, lag_token, http, keep=timedelta(hours=settings.lag_keep_hours)) \
        if lag_token is not None and targets else None

    async def start_sampler() -> None:
        stop.clear()
        if sampler is not None:
            runtime.spawn(sampler.run(settings.lag_sample_seconds, stop), f"{SERVICE}-lag-sampler")

    async def stop_sampler() -> None:
        stop.set()
        await http.aclose()

    # re-driven records go back to their own topics (any topic of the platform), beside its audit events
    app = service_app(
        runtime, title="Palapa ops-svc", topics=ALL_TOPICS, publishes=(AUDIT,), protection=access.TABLE,
        # lag_router first: its /dead-letters/offsets before letters_router's /dead-letters/{letter_id}
        # a re-drive straight to the consumer asks the same processes as the sampler (the one list's link)
        routers=[lag_router(runtime, settings.lag_sample_seconds, sampler is not None),
                 letters_router(runtime, targets, http), audit_router(runtime)],
        on_start=[start_sampler], on_stop=[stop_sampler],
    )
    app.state.sampler = sampler
    return app


def main() -> None:
    settings = load(OpsSettings, SERVICE)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
