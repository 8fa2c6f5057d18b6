"""Composition root: bridge-pbb from settings on the bridge kit; nothing connects at import.

Two sources: the nightly full export in a drop folder (importer.py, diffed in bulk) and the payments table
polled during the day (the kit's SqlPoller and Bridge.ingest). Both keep `bill` current, so a payment seen
during the day is not announced again when the next export shows it.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter
from sqlalchemy import text

from palapa.bridgekit import filedrop, heartbeat, sqlpoll
from palapa.bridgekit.checkpoint import Checkpoint
from palapa.bridgekit.ingest import Bridge, Quarantine, SourceRecord, Translated
from palapa.bridgekit.loop import run_polls
from palapa.bridgekit.state import LastState, RowStates
from palapa.contracts.topics import ALL_TOPICS, BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, TAX_BILLS
from palapa.kit.http import serve, service_app
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load
from palapa.kit.uow import Transaction

from . import payments, privacy, store
from .importer import ExportImporter
from .legacy import Payment, PaymentsReader, make_legacy_engine
from .settings import BridgePbbSettings
from .translate import EARLIEST_YEAR

NAME = "bridge-pbb"
MARK_PAID = text("UPDATE bridge_pbb.bill SET paid = true, updated_at = :now "
                 "WHERE nop = :nop AND year = :year AND NOT paid")


def payment_translation(settings: BridgePbbSettings):
    def translation(record: SourceRecord, last: LastState | None) -> Translated | Quarantine:
        result = payments.translate(record.item, settings.app_id, settings.tz, datetime.now(UTC))
        if isinstance(result, str):
            return Quarantine(result)
        return Translated([result], "paid", result.paid_at)

    return translation


def payment_record(p: Payment) -> SourceRecord:
    return SourceRecord(source_id=str(p.id), fingerprint=payments.fingerprint(p), status="paid",
                        changed_at=p.tgl_rekam, row=p.as_strings(), item=p)


async def mark_paid(tx: Transaction, done: list[tuple[SourceRecord, Translated]]) -> None:
    """The bills these payments paid are paid in `bill` too, in the ingest's transaction."""
    now = datetime.now(UTC)
    rows = [{"nop": e.nop, "year": e.year, "now": now} for _, t in done for e in t.events]
    if rows:
        await tx.session.execute(MARK_PAID, rows)


def create_app(settings: BridgePbbSettings, *, exporter: SpanExporter | None = None) -> FastAPI:
    """The bridge's app: health routes; its lifespan runs the export watcher, the payments poller and the heartbeat."""
    runtime = Runtime(settings, NAME, store.metadata, exporter=exporter)
    legacy_engine = make_legacy_engine(settings.legacy_database_url)
    reader = PaymentsReader(legacy_engine)
    checkpoint = Checkpoint(store.checkpoint, settings.app_id, sqlpoll.TimestampPosition(), sqlpoll.encode,
                            sqlpoll.decode)
    bridge = Bridge(runtime, settings.app_id, checkpoint, RowStates(store.tables), payment_translation(settings),
                    lambda row: privacy.mask_fields(row), "pembayaran_sppt", also_stage=mark_paid)
    earliest = datetime(EARLIEST_YEAR, 1, 1)

    def plausible(p, now: datetime) -> bool:  # a '9999' tgl_rekam must not carry the position past every payment
        return earliest <= p.tgl_rekam <= now + timedelta(days=1)

    poller = sqlpoll.SqlPoller(bridge, reader, lookback_seconds=settings.lookback_seconds,
                               batch_size=settings.batch_size, plausible=plausible, record=payment_record,
                               name="pbb payments", clock=lambda: sqlpoll.source_now(legacy_engine, settings.tz),
                               earliest=earliest)
    drop = filedrop.FileDrop(settings.drop_folder, settings.drop_pattern, settings.drop_settle_seconds)
    export_checkpoint = Checkpoint(store.export_checkpoint, settings.app_id, filedrop.FilePosition(),
                                   filedrop.encode, filedrop.decode)
    importer = ExportImporter(runtime, settings.app_id, drop, export_checkpoint, settings.tz, settings.chunk_lines,
                              bridge.stats)
    stopping = asyncio.Event()
    loops: list[asyncio.Task] = []

    async def beat():
        position = bridge.position or sqlpoll.TimestampPosition()
        seen = [t for t in (position.ts and position.ts.replace(tzinfo=settings.tz), importer.last_file_at) if t]
        return await heartbeat.beat_once(bridge, settings.opd, max(seen) if seen else None,
                                         lambda: reader.oldest_unread(position),
                                         lambda t: t.replace(tzinfo=settings.tz))

    async def start() -> None:
        settings.drop_folder.mkdir(parents=True, exist_ok=True)
        stopping.clear()
        loops[:] = [
            runtime.spawn(run_polls(importer.poll_once, stopping, settings.drop_poll_seconds, 1, "export folder"),
                          "pbb-exports"),
            runtime.spawn(run_polls(poller.poll_once, stopping, settings.poll_interval_seconds, settings.batch_size,
                                    "payments table"), "pbb-payments"),
            runtime.spawn(heartbeat.run(beat, stopping, settings.heartbeat_seconds), "pbb-heartbeat"),
        ]

    async def stop() -> None:
        stopping.set()
        if loops:
            await asyncio.wait(loops, timeout=10)
        loops.clear()
        await legacy_engine.dispose()

    app = service_app(
        runtime, title="Palapa bridge-pbb", topics=ALL_TOPICS,
        publishes=(TAX_BILLS, BRIDGE_QUARANTINE, BRIDGE_HEARTBEATS), on_start=[start], on_stop=[stop],
    )
    app.state.importer = importer
    app.state.poller = poller
    return app


def main() -> None:
    settings = load(BridgePbbSettings, NAME)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
