"""Composition root: build bridge-simakel from settings on the bridge kit; nothing connects at import."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, timedelta

import httpx
from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.bridgekit import heartbeat, restpoll
from palapa.bridgekit.checkpoint import Checkpoint
from palapa.bridgekit.ingest import Bridge, Quarantine, SourceRecord, Translated
from palapa.bridgekit.loop import SourceUnavailableError, run_polls
from palapa.bridgekit.state import LastState, RowStates
from palapa.contracts.topics import ALL_TOPICS, BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, SERVICE_REQUESTS
from palapa.kit.http import serve, service_app
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load

from . import privacy, store, translate
from .legacy import REFUSED, SimakelPages, split
from .settings import BridgeSimakelSettings

NAME = "bridge-simakel"


def simakel_translation(settings: BridgeSimakelSettings):
    """The kit's translation: translate.translate with the settings' zone and app; a refused page is quarantined."""

    def translation(record: SourceRecord, last: LastState | None) -> Translated | Quarantine:
        if REFUSED in record.row:
            return Quarantine(str(record.row[REFUSED]))
        result = translate.translate(record.item, last.status if last else None, settings.tz, settings.app_id)
        if result.reason is not None:
            return Quarantine(result.reason)
        at = None
        if result.events:
            event = result.events[0]
            at = getattr(event, "changed_at", None) or getattr(event, "submitted_at", None)
        return Translated(list(result.events), result.state, at)

    return translation


def create_app(settings: BridgeSimakelSettings, *, exporter: SpanExporter | None = None) -> FastAPI:
    """The bridge's app: health routes; its lifespan runs the poller and the heartbeat."""
    runtime = Runtime(settings, NAME, store.metadata, exporter=exporter)
    client = httpx.AsyncClient(base_url=settings.legacy_url, timeout=settings.request_timeout_seconds)
    pages = SimakelPages(client, settings.tz, page_size=settings.page_size,
                         lookback=timedelta(seconds=settings.lookback_seconds), max_bytes=settings.max_page_bytes)
    checkpoint = Checkpoint(store.checkpoint, settings.app_id, restpoll.TokenPosition(), restpoll.encode,
                            restpoll.decode)
    bridge = Bridge(runtime, settings.app_id, checkpoint, RowStates(store.tables), simakel_translation(settings),
                    privacy.mask_row, "permohonan")
    poller = restpoll.RestPoller(bridge, pages, max_pages=settings.max_pages, name="simakel")
    stopping = asyncio.Event()
    loops: list[asyncio.Task] = []

    async def oldest_unread():
        if not bridge.stats.legacy_reachable:
            raise SourceUnavailableError("Si Makel unreachable at the last poll")
        return pages.behind

    def aware(local):
        return local.replace(tzinfo=settings.tz).astimezone(UTC)

    async def beat():
        high_water, _ = split(bridge.position or restpoll.TokenPosition())
        last_seen = aware(high_water) if high_water else None
        return await heartbeat.beat_once(bridge, settings.opd, last_seen, oldest_unread, aware)

    async def start() -> None:
        stopping.clear()
        loops[:] = [
            runtime.spawn(run_polls(poller.poll_once, stopping, settings.poll_interval_seconds, poller.max_pages,
                                    source="Si Makel API"), "simakel-poller"),
            runtime.spawn(heartbeat.run(beat, stopping, settings.heartbeat_seconds), "simakel-heartbeat"),
        ]

    async def stop() -> None:
        stopping.set()
        if loops:
            await asyncio.wait(loops, timeout=10)
        loops.clear()
        await client.aclose()

    app = service_app(
        runtime, title="Palapa bridge-simakel", topics=ALL_TOPICS,
        publishes=(SERVICE_REQUESTS, BRIDGE_QUARANTINE, BRIDGE_HEARTBEATS), on_start=[start], on_stop=[stop],
    )
    app.state.poller = poller
    app.state.pages = pages
    return app


def main() -> None:
    settings = load(BridgeSimakelSettings, NAME)
    # one line per request to the legacy app, several a second: only its failures are worth a log line
    logging.getLogger("httpx").setLevel(logging.WARNING)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
