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
from .channels.providers import provider_channels, provider_client
from .citizen_api import citizen_router
from .directory_link import directory_link_router
from .fanout import Fanout
from .hub import Hub
from .messages.admin_api import admin_router
from .messages.api import callbacks_router, notifications_router
from .messages.consume import MessageEvents
from .messages.dispatch import Channels
from .messages.wiring import Messaging
from .settings import NotifySettings

SERVICE = "notify-svc"


def channels_from(settings: NotifySettings) -> Channels:
    """The message channels this process sends on, from the settings.

    The WhatsApp, SMS and e-mail adapters whose secrets the settings give (channels/providers.py), on one HTTP client
    that lives as long as the process. Test API keys get none yet (`test`: the simulator-bound ones). Without a
    channel a message fails with "no channel … configured", visibly.
    """
    live = provider_channels(settings, provider_client(settings))
    return Channels(live=live)


def create_app(settings: NotifySettings, *, exporter: SpanExporter | None = None,
               channels: Channels | None = None) -> FastAPI:
    """The notify-svc app: consumes complaint and ticket updates, serves the live feed and the citizen page,
    and sends messages (`channels` replaces the ones from the settings, e.g. in tests)."""
    runtime = Runtime(settings, SERVICE, tables.metadata, exporter=exporter)
    hub = Hub(queue_size=settings.client_queue_size)
    messaging = Messaging.build(runtime, settings, channels if channels is not None else channels_from(settings))
    fanout = Fanout(hub, runtime.sessions, settings.database_url)  # every replica pushes every update
    handlers.register(runtime, hub, MessageEvents(messaging), fanout)

    async def listen() -> None:
        runtime.spawn(fanout.run(), f"{SERVICE}-fanout")

    async def close_streams() -> None:
        fanout.stop()
        hub.close()
        await messaging.close()

    app = service_app(
        runtime,
        title="Palapa notify-svc",
        routers=[tickets_router(runtime, hub, settings), citizen_router(runtime, hub, settings), page_router(),
                 directory_link_router(settings),
                 notifications_router(messaging), callbacks_router(messaging), admin_router(messaging)],
        topics=ALL_TOPICS,
        on_start=[messaging.start, listen],
        on_stop=[close_streams],
        protection=access.TABLE,
    )
    app.state.hub = hub
    app.state.fanout = fanout
    app.state.messaging = messaging
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
