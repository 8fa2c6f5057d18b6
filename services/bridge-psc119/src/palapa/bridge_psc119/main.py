"""Composition root: bridge-psc119 on the bridge kit (webhooks when a secret is set, polling always as the
safety net for lost ones); nothing connects at import."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.bridgekit import heartbeat, restpoll
from palapa.bridgekit.checkpoint import Checkpoint
from palapa.bridgekit.ingest import Bridge, Quarantine, SourceRecord, Translated
from palapa.bridgekit.loop import run_polls
from palapa.bridgekit.state import LastState, RowStates
from palapa.bridgekit.webhook import WebhookConfig, webhook_router
from palapa.contracts.topics import ALL_TOPICS, BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, EMERGENCY_INCIDENTS
from palapa.kit.http import serve, service_app
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load

from . import legacy, store, translate
from .settings import BridgePsc119Settings

NAME = "bridge-psc119"
WEBHOOK_PATH = "/webhooks/psc119"
API_PATH = "/api/v1/insiden"


def psc119_translation(settings: BridgePsc119Settings):
    """The kit's translation: translate.translate with the settings' zone and limits (the clock read per record)."""
    tz, ahead = settings.tz, timedelta(minutes=settings.future_minutes)

    def translation(record: SourceRecord, last: LastState | None) -> Translated | Quarantine:
        if isinstance(record.item, legacy.Unreadable):
            return Quarantine(record.item.reason)
        prev = translate.Stage(last.status) if last is not None and last.status else None
        result = translate.translate(record.item, prev, tz, translate.within(datetime.now(UTC), ahead), settings.app_id)
        if isinstance(result, translate.Quarantine):
            return Quarantine(result.reason)
        events, stage = result
        return Translated(events, stage.value, translate.event_time(events))

    return translation


def webhook_config(settings: BridgePsc119Settings) -> WebhookConfig | None:
    if settings.webhook_secret is None:
        return None
    return WebhookConfig(secret=settings.webhook_secret.get_secret_value().encode(),
                         signature_header=settings.webhook_signature_header,
                         timestamp_header=settings.webhook_timestamp_header,
                         tolerance_seconds=settings.webhook_tolerance_seconds, max_bytes=settings.webhook_max_bytes)


def create_app(settings: BridgePsc119Settings, *, exporter: SpanExporter | None = None) -> FastAPI:
    """The bridge's app: health routes and the webhook; its lifespan runs the poller and the heartbeat."""
    runtime = Runtime(settings, NAME, store.metadata, exporter=exporter)
    checkpoint = Checkpoint(store.checkpoint, settings.app_id, restpoll.TokenPosition(), restpoll.encode,
                            restpoll.decode)
    bridge = Bridge(runtime, settings.app_id, checkpoint, RowStates(store.tables), psc119_translation(settings),
                    legacy.mask_row, "insiden")
    client = httpx.AsyncClient(base_url=settings.legacy_api_url, timeout=settings.api_timeout_seconds)
    pages = restpoll.HttpPages(client, API_PATH, legacy.api_page, cursor_param="setelah",
                               params={"per_halaman": str(settings.api_page_size)})
    poller = restpoll.RestPoller(bridge, pages, max_pages=settings.max_pages_per_poll, name="psc119")
    stopping = asyncio.Event()
    loops: list[asyncio.Task] = []
    seen: list[datetime] = []  # when the legacy API last answered a poll

    async def poll_once() -> int:
        pages_read = await poller.poll_once()
        seen[:] = [datetime.now(UTC)]
        return pages_read

    async def oldest_unread() -> datetime | None:
        # the first change after the position, if any: its update time (legacy local) is how long it has waited
        page = await pages(bridge.position or restpoll.TokenPosition())
        times = [r.changed_at for r in page.records if r.changed_at != legacy.NO_TIME]
        return min(times) if times else None

    async def beat():
        return await heartbeat.beat_once(bridge, settings.opd, seen[0] if seen else None, oldest_unread,
                                         lambda t: translate.as_utc(t, settings.tz))

    async def start() -> None:
        stopping.clear()
        await bridge.load_position()
        loops[:] = [
            runtime.spawn(run_polls(poll_once, stopping, settings.poll_every, poller.max_pages,
                                    source="PSC 119 API"), "psc119-poller"),
            runtime.spawn(heartbeat.run(beat, stopping, settings.heartbeat_seconds), "psc119-heartbeat"),
        ]

    async def stop() -> None:
        stopping.set()
        if loops:  # let the loops finish their current poll/beat (one transaction) before the client goes
            await asyncio.wait(loops, timeout=10)
        loops.clear()
        await client.aclose()

    config = webhook_config(settings)
    routers = [] if config is None else [webhook_router(WEBHOOK_PATH, bridge, config, legacy.webhook_records)]
    app = service_app(
        runtime, title="Palapa bridge-psc119", routers=routers, topics=ALL_TOPICS,
        publishes=(EMERGENCY_INCIDENTS, BRIDGE_QUARANTINE, BRIDGE_HEARTBEATS), on_start=[start], on_stop=[stop],
    )
    app.state.poller = poller
    app.state.bridge = bridge
    return app


def main() -> None:
    settings = load(BridgePsc119Settings, NAME)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per poll request says nothing
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
