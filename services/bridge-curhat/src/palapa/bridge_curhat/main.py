"""Composition root: build bridge-curhat from settings; nothing connects at import."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.contracts.topics import ALL_TOPICS, BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, COMPLAINT_INTAKE
from palapa.kit.http import serve, service_app
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load

from . import heartbeat, store
from .legacy import LegacyReader, make_legacy_engine
from .poller import Poller
from .settings import BridgeCurhatSettings

NAME = "bridge-curhat"


def create_app(settings: BridgeCurhatSettings, *, exporter: SpanExporter | None = None) -> FastAPI:
    """The bridge's app: health routes; its lifespan runs the poller and the heartbeat."""
    runtime = Runtime(settings, NAME, store.metadata, exporter=exporter)
    legacy_engine = make_legacy_engine(settings.legacy_database_url)
    poller = Poller(runtime, LegacyReader(legacy_engine), settings)
    stopping = asyncio.Event()
    loops: list[asyncio.Task] = []

    async def start() -> None:
        stopping.clear()
        loops[:] = [
            runtime.spawn(poller.run(stopping), "curhat-poller"),
            runtime.spawn(heartbeat.run(runtime, poller, stopping), "curhat-heartbeat"),
        ]

    async def stop() -> None:
        stopping.set()
        # let the loops finish their current poll/beat (one transaction) before the engines go
        if loops:
            await asyncio.wait(loops, timeout=10)
        loops.clear()
        await legacy_engine.dispose()

    app = service_app(
        runtime, title="Palapa bridge-curhat", topics=ALL_TOPICS,
        publishes=(COMPLAINT_INTAKE, BRIDGE_QUARANTINE, BRIDGE_HEARTBEATS), on_start=[start], on_stop=[stop],
    )
    app.state.poller = poller
    return app


def main() -> None:
    settings = load(BridgeCurhatSettings, NAME)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
