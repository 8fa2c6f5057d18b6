"""Composition root: build bridge-curhat from settings on the bridge kit; nothing connects at import."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.bridgekit import heartbeat, sqlpoll
from palapa.bridgekit.checkpoint import Checkpoint
from palapa.bridgekit.ingest import Bridge, Quarantine, SourceRecord, Translated
from palapa.bridgekit.loop import run_polls
from palapa.bridgekit.replay import replay_router, rewind
from palapa.bridgekit.state import LastState, RowStates
from palapa.contracts.topics import ALL_TOPICS, BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, COMPLAINT_INTAKE, CURHAT_COMMANDS
from palapa.kit.consumer import each
from palapa.kit.failures import RECORD_MAX_BYTES
from palapa.kit.http import serve, service_app
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load

from . import privacy, store, translate
from .legacy import LegacyReader, make_legacy_engine
from .settings import BridgeCurhatSettings
from .writeback import WriteBack

NAME = "bridge-curhat"


def curhat_translation(settings: BridgeCurhatSettings):
    """The kit's translation: translate.translate with the settings' zone, app and limits (the clock read per row)."""
    tz, ahead = settings.tz, timedelta(hours=settings.future_hours)

    def translation(record: SourceRecord, last: LastState | None) -> Translated | Quarantine:
        limits = translate.Limits(earliest=settings.earliest_date, latest=datetime.now(UTC) + ahead, ahead=ahead,
                                  max_event_bytes=RECORD_MAX_BYTES)
        result = translate.translate(record.item, last, tz, settings.app_id, limits)
        if isinstance(result, Quarantine):
            return result
        status = translate.canonical_status(record.item.status)
        at = translate.as_utc(record.item.tgl_update, tz) if result else None  # a year-one row has no UTC time
        return Translated(result, status.value if status else None, at)

    return translation


def curhat_record(settings: BridgeCurhatSettings):
    def record(row: translate.LegacyRow) -> SourceRecord:
        return SourceRecord(
            source_id=str(row.id_pengaduan), fingerprint=translate.fingerprint(row), status=row.status,
            changed_at=row.tgl_update, row=row.as_strings(),
            item=row,
        )

    return record


def plausible(settings: BridgeCurhatSettings):
    """Rows dated outside [earliest_date, now + future_hours] do not move the position (now: the source's clock)."""
    earliest = datetime.combine(settings.earliest_date, datetime.min.time())

    def check(row: translate.LegacyRow, now: datetime) -> bool:
        return earliest <= row.tgl_update <= now + timedelta(hours=settings.future_hours)

    return check


def create_app(settings: BridgeCurhatSettings, *, exporter: SpanExporter | None = None) -> FastAPI:
    """The bridge's app: health routes; its lifespan runs the poller and the heartbeat."""
    runtime = Runtime(settings, NAME, store.metadata, exporter=exporter)
    legacy_engine = make_legacy_engine(settings.legacy_database_url)
    reader = LegacyReader(legacy_engine)
    checkpoint = Checkpoint(store.checkpoint, settings.app_id, sqlpoll.TimestampPosition(), sqlpoll.encode,
                            sqlpoll.decode)
    bridge = Bridge(runtime, settings.app_id, checkpoint, RowStates(store.tables), curhat_translation(settings),
                    privacy.mask_row, "tb_pengaduan")
    poller = sqlpoll.SqlPoller(bridge, reader, lookback_seconds=settings.lookback_seconds,
                               batch_size=settings.batch_size, plausible=plausible(settings),
                               record=curhat_record(settings), name="curhat",
                               clock=lambda: sqlpoll.source_now(legacy_engine, settings.tz),
                               earliest=datetime.combine(settings.earliest_date, datetime.min.time()))
    writer = WriteBack(legacy_engine, settings.app_id, runtime.source, settings.tz)
    runtime.subscribe(CURHAT_COMMANDS, each(writer.on_record_complaint), group_id=f"{NAME}-commands")
    stopping = asyncio.Event()
    loops: list[asyncio.Task] = []

    async def beat():
        position = bridge.position or sqlpoll.TimestampPosition()

        last_seen = translate.as_utc(position.ts, settings.tz) if position.ts else None
        return await heartbeat.beat_once(bridge, settings.opd, last_seen, lambda: reader.oldest_unread(position),
                                         lambda t: translate.as_utc(t, settings.tz))

    async def start() -> None:
        stopping.clear()
        loops[:] = [
            runtime.spawn(run_polls(poller.poll_once, stopping, settings.poll_interval_seconds, settings.batch_size),
                          "curhat-poller"),
            runtime.spawn(heartbeat.run(beat, stopping, settings.heartbeat_seconds), "curhat-heartbeat"),
        ]

    async def stop() -> None:
        stopping.set()
        # let the loops finish their current poll/beat (one transaction) before the engines go
        if loops:
            await asyncio.wait(loops, timeout=10)
        loops.clear()
        await legacy_engine.dispose()

    async def replay(since: datetime):
        local = since.astimezone(settings.tz).replace(tzinfo=None)  # tgl_update is the app's local time
        return await rewind(bridge, sqlpoll.position_at(local), local)

    app = service_app(
        runtime, title="Palapa bridge-curhat", topics=ALL_TOPICS,
        publishes=(COMPLAINT_INTAKE, BRIDGE_QUARANTINE, BRIDGE_HEARTBEATS), on_start=[start], on_stop=[stop],
        routers=[replay_router({settings.app_id: replay}, settings.admin_token_value)],
    )
    app.state.poller = poller
    return app


def main() -> None:
    settings = load(BridgeCurhatSettings, NAME)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
