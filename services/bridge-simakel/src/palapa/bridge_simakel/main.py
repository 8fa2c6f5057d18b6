"""bridge-simakel, declared: Si Makel's XML API paged into service-request events; the kit's runner does the
rest. Nothing connects at import."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.bridgekit import restpoll
from palapa.bridgekit.checkpoint import Checkpoint
from palapa.bridgekit.ingest import Bridge
from palapa.bridgekit.loop import SourceUnavailableError
from palapa.bridgekit.protocol import LastState, Quarantine, SourceRecord, Translated, as_utc
from palapa.bridgekit.runner import Declared, Feed, bridge_app
from palapa.bridgekit.state import RowStates
from palapa.bridgekit.sweeplist import ListingSweep
from palapa.contracts.topics import BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, SERVICE_REQUESTS, SIMAKEL_COMMANDS
from palapa.kit.consumer import each
from palapa.kit.http import serve
from palapa.kit.runtime import Runtime
from palapa.kit.sealed import Sealer
from palapa.kit.settings import load

from . import letters, privacy, tables, translate
from .legacy import REFUSED, SimakelPages, split
from .settings import BridgeSimakelSettings

NAME = "bridge-simakel"
PUBLISHES = (SERVICE_REQUESTS, BRIDGE_QUARANTINE, BRIDGE_HEARTBEATS)


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


def withdrawn(settings: BridgeSimakelSettings):
    """What the sweep announces for a request gone from Si Makel: it is closed, saying so (nothing for a row that
    had no id)."""

    def meaning(source_id: str, last: LastState) -> Translated | None:
        events = translate.withdrawn(source_id, last.status, datetime.now(UTC), settings.app_id)
        return Translated(events, events[0].status.value) if events else None

    return meaning


def declare(settings: BridgeSimakelSettings):
    def declared(runtime: Runtime) -> Declared:
        client = httpx.AsyncClient(base_url=settings.legacy_url, timeout=settings.request_timeout_seconds)
        pages = SimakelPages(client, settings.tz, page_size=settings.page_size,
                             lookback=timedelta(seconds=settings.lookback_seconds), max_bytes=settings.max_page_bytes)
        checkpoint = Checkpoint(tables.checkpoint, settings.app_id, restpoll.TokenPosition(), restpoll.encode,
                                restpoll.decode)
        bridge = Bridge(runtime, settings.app_id, checkpoint, RowStates(tables.bridge), simakel_translation(settings),
                        privacy.mask_row, "permohonan")
        poller = restpoll.RestPoller(bridge, pages, max_pages=settings.max_pages, name="simakel")

        async def oldest_unread():
            if not bridge.stats.legacy_reachable:
                raise SourceUnavailableError("Si Makel unreachable at the last poll")
            return pages.behind

        def last_seen():
            high_water, _ = split(bridge.position or restpoll.TokenPosition())
            return as_utc(high_water, settings.tz) if high_water else None

        def passed(record: SourceRecord) -> bool:  # rows above the high water are the poll's, not drift
            high_water, _ = split(bridge.position or restpoll.TokenPosition())
            return high_water is not None and record.changed_at <= high_water

        feed = Feed(bridge, poller.poll_once, settings.poll_interval_seconds, poller.max_pages, source="Si Makel API",
                    last_seen=last_seen, oldest_unread=oldest_unread, aware=lambda t: as_utc(t, settings.tz),
                    sweep=ListingSweep(bridge, pages.everything, passed, withdrawn(settings)))
        # letters requested at the gate, filed in Si Makel (letters.py); its answers speak for the app too
        filer = letters.LetterFiler(client, Sealer(settings.applicant_key.get_secret_value(), letters.SEAL_PURPOSE),
                                    settings.app_id, bridge.source)
        runtime.subscribe(SIMAKEL_COMMANDS, each(filer.on_request_letter), group_id=f"{NAME}-commands")
        return Declared([feed], close=[client.aclose], state={"poller": poller, "pages": pages})

    return declared


def create_app(settings: BridgeSimakelSettings, *, exporter: SpanExporter | None = None) -> FastAPI:
    """The bridge's app on the kit's runner: health routes; its lifespan runs the poller and the heartbeat."""
    return bridge_app(NAME, settings, tables.metadata, PUBLISHES, declare(settings), exporter=exporter)


def main() -> None:
    settings = load(BridgeSimakelSettings, NAME)
    # one line per request to the legacy app, several a second: only its failures are worth a log line
    logging.getLogger("httpx").setLevel(logging.WARNING)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
