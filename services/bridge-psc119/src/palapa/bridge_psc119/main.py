"""bridge-psc119, declared: on the kit's runner (webhooks when a secret is set, polling always as the
safety net for lost ones); nothing connects at import."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.bridgekit import restpoll
from palapa.bridgekit.checkpoint import Checkpoint
from palapa.bridgekit.ingest import Bridge
from palapa.bridgekit.protocol import Deferred, LastState, Quarantine, SourceRecord, Translated, as_utc
from palapa.bridgekit.runner import Declared, Feed, bridge_app
from palapa.bridgekit.state import RowStates
from palapa.bridgekit.sweeplist import ListingSweep
from palapa.bridgekit.webhook import WebhookConfig, webhook_router
from palapa.contracts.topics import BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, EMERGENCY_INCIDENTS
from palapa.kit.http import serve
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load

from . import legacy, tables, translate
from .settings import BridgePsc119Settings

NAME = "bridge-psc119"
PUBLISHES = (EMERGENCY_INCIDENTS, BRIDGE_QUARANTINE, BRIDGE_HEARTBEATS)
WEBHOOK_PATH = "/webhooks/psc119"
API_PATH = "/api/v1/insiden"


def psc119_translation(settings: BridgePsc119Settings):
    """The kit's translation: translate.translate with the settings' zone and limits (the clock read per record)."""
    tz, ahead = settings.tz, timedelta(minutes=settings.future_minutes)
    key = settings.account_secret.get_secret_value().encode()

    def translation(record: SourceRecord, last: LastState | None) -> Translated | Quarantine | Deferred:
        if isinstance(record.item, legacy.Unreadable):
            return Quarantine(record.item.reason)
        prev = translate.Stage(last.status) if last is not None and last.status else None
        result = translate.translate(record.item, prev, tz, translate.within(datetime.now(UTC), ahead), settings.app_id,
                                     since=handled_at(last, tz), pushed=record.pushed, phone_key=key)
        if isinstance(result, Quarantine | Deferred):
            return result
        events, stage = result
        return Translated(events, stage.value, translate.event_time(events))

    return translation


def handled_at(last: LastState | None, tz) -> datetime | None:
    """The update time (UTC) of the version row_state holds: a back move must be newer than it (a stored stage
    without a time: any version is)."""
    if last is None or last.status is None:
        return None
    try:
        return translate.EVER if last.changed_at is None else as_utc(last.changed_at, tz)
    except OverflowError:  # a year-1 stamp shifted out of the calendar: older than any version
        return translate.EVER


def webhook_config(settings: BridgePsc119Settings) -> WebhookConfig | None:
    if settings.webhook_secret is None:
        return None
    return WebhookConfig(secret=settings.webhook_secret.get_secret_value().encode(),
                         signature_header=settings.webhook_signature_header,
                         timestamp_header=settings.webhook_timestamp_header,
                         tolerance_seconds=settings.webhook_tolerance_seconds, max_bytes=settings.webhook_max_bytes)


def declare(settings: BridgePsc119Settings):
    def declared(runtime: Runtime) -> Declared:
        checkpoint = Checkpoint(tables.checkpoint, settings.app_id, restpoll.TokenPosition(), restpoll.encode,
                                restpoll.decode)
        bridge = Bridge(runtime, settings.app_id, checkpoint, RowStates(tables.bridge), psc119_translation(settings),
                        legacy.mask_row, "insiden")
        client = httpx.AsyncClient(base_url=settings.legacy_api_url, timeout=settings.api_timeout_seconds)
        pages = restpoll.HttpPages(client, API_PATH, legacy.api_page, cursor_param="setelah",
                                   params={"per_halaman": str(settings.api_page_size)})
        poller = restpoll.RestPoller(bridge, pages, max_pages=settings.max_pages_per_poll, name="psc119")
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

        async def load_position() -> None:
            await bridge.load_position()  # webhooks may arrive before the first poll

        async def everything() -> list[SourceRecord]:
            # the change log from its beginning: the last version of each incident is what the app holds now
            records, position = [], restpoll.TokenPosition()
            while True:
                page = await pages(position)
                records += page.records
                if not page.more or page.next == position:
                    return records
                position = page.next

        def passed(record: SourceRecord) -> bool:
            # versions newer than this are still the poll's (and the webhooks'): the log has no position to compare
            # with, so the sweep leaves them a settling time on the bridge's own clock
            settled = datetime.now(settings.tz).replace(tzinfo=None) - timedelta(seconds=settings.sweep_settle_seconds)
            return record.changed_at <= settled

        config = webhook_config(settings)
        feed = Feed(bridge, poll_once, settings.poll_every, poller.max_pages, source="PSC 119 API",
                    last_seen=lambda: seen[0] if seen else None, oldest_unread=oldest_unread,
                    aware=lambda t: as_utc(t, settings.tz), sweep=ListingSweep(bridge, everything, passed))
        routers = [] if config is None else [webhook_router(WEBHOOK_PATH, bridge, config, legacy.webhook_records)]
        return Declared([feed], routers=routers, on_start=[load_position], close=[client.aclose],
                        state={"poller": poller, "bridge": bridge})

    return declared


def create_app(settings: BridgePsc119Settings, *, exporter: SpanExporter | None = None) -> FastAPI:
    """The bridge's app on the kit's runner: health routes and the webhook; its lifespan runs the poller and the
    heartbeat."""
    return bridge_app(NAME, settings, tables.metadata, PUBLISHES, declare(settings), exporter=exporter)


def main() -> None:
    settings = load(BridgePsc119Settings, NAME)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per poll request says nothing
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
