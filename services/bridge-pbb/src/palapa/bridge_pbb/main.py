"""bridge-pbb, declared on the kit's runner; nothing connects at import.

Two sources: the nightly full export in a drop folder (importer.py, diffed in bulk) and the payments table
polled during the day (the kit's SqlPoller and Bridge.ingest). Both keep `bill` current, so a payment seen
during the day is not announced again when the next export shows it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter
from sqlalchemy import text

from palapa.bridgekit import filedrop, sqlpoll
from palapa.bridgekit.checkpoint import Checkpoint
from palapa.bridgekit.ingest import Bridge
from palapa.bridgekit.protocol import LastState, Quarantine, SourceRecord, Translated
from palapa.bridgekit.runner import Declared, Loop, bridge_app, sql_feed
from palapa.bridgekit.state import RowStates
from palapa.contracts.topics import BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, TAX_BILLS
from palapa.kit.http import serve
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load
from palapa.kit.uow import Transaction

from . import payments, privacy, tables
from .importer import ExportImporter
from .legacy import Payment, PaymentsReader, make_legacy_engine
from .settings import BridgePbbSettings
from .translate import EARLIEST_YEAR

NAME = "bridge-pbb"
PUBLISHES = (TAX_BILLS, BRIDGE_QUARANTINE, BRIDGE_HEARTBEATS)
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


def declare(settings: BridgePbbSettings):
    def declared(runtime: Runtime) -> Declared:
        engine = make_legacy_engine(settings.legacy_database_url)
        reader = PaymentsReader(engine)
        checkpoint = Checkpoint(tables.checkpoint, settings.app_id, sqlpoll.TimestampPosition(), sqlpoll.encode,
                                sqlpoll.decode)
        bridge = Bridge(runtime, settings.app_id, checkpoint, RowStates(tables.bridge), payment_translation(settings),
                        lambda row: privacy.mask_fields(row), "pembayaran_sppt", also_stage=mark_paid)
        earliest = datetime(EARLIEST_YEAR, 1, 1)

        def plausible(p, now: datetime) -> bool:  # a '9999' tgl_rekam must not carry the position past every payment
            return earliest <= p.tgl_rekam <= now + timedelta(days=1)

        drop = filedrop.FileDrop(settings.drop_folder, settings.drop_pattern, settings.drop_settle_seconds)
        export_checkpoint = Checkpoint(tables.export_checkpoint, settings.app_id, filedrop.FilePosition(),
                                       filedrop.encode, filedrop.decode)
        importer = ExportImporter(runtime, settings.app_id, drop, export_checkpoint, settings.tz,
                                  settings.chunk_lines, bridge.stats)

        def last_seen() -> datetime | None:  # the later of the last payment read and the last export taken
            position = bridge.position or sqlpoll.TimestampPosition()
            seen = [t for t in (position.ts and position.ts.replace(tzinfo=settings.tz), importer.last_file_at) if t]
            return max(seen) if seen else None

        feed, poller = sql_feed(
            bridge, reader, tz=settings.tz, interval=settings.poll_interval_seconds,
            lookback_seconds=settings.lookback_seconds, batch_size=settings.batch_size, plausible=plausible,
            record=payment_record, clock=lambda: sqlpoll.source_now(engine, settings.tz), name="pbb payments",
            earliest=earliest, source="payments table", replay=False, sweep=reader, last_seen=last_seen)

        async def drop_folder() -> None:
            settings.drop_folder.mkdir(parents=True, exist_ok=True)

        exports = Loop("pbb-exports", importer.poll_once, settings.drop_poll_seconds, 1, "export folder")
        return Declared([feed], loops=[exports], on_start=[drop_folder], close=[engine.dispose],
                        state={"importer": importer, "poller": poller})

    return declared


def create_app(settings: BridgePbbSettings, *, exporter: SpanExporter | None = None) -> FastAPI:
    """The bridge's app on the kit's runner: health routes; its lifespan runs the export watcher, the payments
    poller, its sweep and the heartbeat."""
    return bridge_app(NAME, settings, tables.metadata, PUBLISHES, declare(settings), exporter=exporter)


def main() -> None:
    settings = load(BridgePbbSettings, NAME)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
