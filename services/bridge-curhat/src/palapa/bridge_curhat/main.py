"""bridge-curhat, declared: tb_pengaduan polled by (tgl_update, id) into complaint events, and the portal written
back (RecordComplaint → a tb_pengaduan row, SetComplaintStatus → its status). The kit's runner does the rest;
nothing connects at import."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter
from sqlalchemy import select

from palapa.bridgekit import sqlpoll
from palapa.bridgekit.checkpoint import Checkpoint
from palapa.bridgekit.ingest import Bridge
from palapa.bridgekit.protocol import LastState, Quarantine, SourceRecord, Translated
from palapa.bridgekit.runner import Declared, bridge_app, sql_feed
from palapa.bridgekit.state import RowStates
from palapa.contracts.events import ComplaintSubmittedV2, RecordComplaintV2
from palapa.contracts.identity import Identity
from palapa.contracts.topics import BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, COMPLAINT_INTAKE, CURHAT_COMMANDS
from palapa.kit.consumer import each
from palapa.kit.failures import RECORD_MAX_BYTES
from palapa.kit.http import serve
from palapa.kit.runtime import Runtime
from palapa.kit.sealed import Sealer, seal_identity
from palapa.kit.settings import load

from . import moves, privacy, tables, translate
from .legacy import LegacyReader, make_legacy_engine
from .settings import BridgeCurhatSettings
from .writeback import WriteBack

NAME = "bridge-curhat"
PUBLISHES = (COMPLAINT_INTAKE, BRIDGE_QUARANTINE, BRIDGE_HEARTBEATS)


def curhat_translation(settings: BridgeCurhatSettings):
    """The kit's translation: translate.translate with the settings' zone, app and limits (the clock read per row)."""
    tz, ahead = settings.tz, timedelta(hours=settings.future_hours)
    key = settings.account_secret.get_secret_value().encode()
    sealer = Sealer(settings.reporter_key.get_secret_value(), ComplaintSubmittedV2.SEAL_PURPOSE)

    def seal(ticket_: str, who: Identity) -> str | None:
        return seal_identity(sealer, ticket_, who)

    def translation(record: SourceRecord, last: LastState | None) -> Translated | Quarantine:
        limits = translate.Limits(earliest=settings.earliest_date, latest=datetime.now(UTC) + ahead, ahead=ahead,
                                  max_event_bytes=RECORD_MAX_BYTES)
        result = translate.translate(record.item, last, tz, settings.app_id, limits, key, seal)
        if isinstance(result, Quarantine):
            return result
        status = translate.canonical_status(record.item.status)
        at = translate.as_utc(record.item.tgl_update, tz) if result else None  # a year-one row has no UTC time
        return Translated(result, status.value if status else None, at)

    return translation


def curhat_record(row: translate.LegacyRow) -> SourceRecord:
    return SourceRecord(source_id=str(row.id_pengaduan), fingerprint=translate.fingerprint(row), status=row.status,
                        changed_at=row.tgl_update, row=row.as_strings(), item=row)


def deleted(settings: BridgeCurhatSettings, runtime: Runtime):
    """What the sweep announces for a complaint deleted from tb_pengaduan: it is closed (withdrawn), under the
    portal's ticket when the bridge wrote the row for one."""
    async def meaning(source_id: str, last: LastState) -> Translated | None:
        async with runtime.sessions() as s:
            portal = await s.scalar(select(tables.written_back.c.ticket)
                                    .where(tables.written_back.c.legacy_id == int(source_id)))
        events = translate.withdrawn(int(source_id), last, datetime.now(UTC), settings.app_id, portal)
        return Translated(events, translate.S.CLOSED.value) if events else None
    return meaning


def plausible(settings: BridgeCurhatSettings):
    """Rows dated outside [earliest_date, now + future_hours] do not move the position (now: the source's clock)."""
    earliest = datetime.combine(settings.earliest_date, datetime.min.time())

    def check(row: translate.LegacyRow, now: datetime) -> bool:
        return earliest <= row.tgl_update <= now + timedelta(hours=settings.future_hours)

    return check


def declare(settings: BridgeCurhatSettings):
    def declared(runtime: Runtime) -> Declared:
        engine = make_legacy_engine(settings.legacy_database_url)
        reader = LegacyReader(engine)
        checkpoint = Checkpoint(tables.checkpoint, settings.app_id, sqlpoll.TimestampPosition(), sqlpoll.encode,
                                sqlpoll.decode)
        states = RowStates(tables.bridge)
        bridge = Bridge(runtime, settings.app_id, checkpoint, states, curhat_translation(settings),
                        privacy.mask_row, "tb_pengaduan")
        feed, poller = sql_feed(
            bridge, reader, tz=settings.tz, interval=settings.poll_interval_seconds,
            lookback_seconds=settings.lookback_seconds, batch_size=settings.batch_size, plausible=plausible(settings),
            record=curhat_record, clock=lambda: sqlpoll.source_now(engine, settings.tz), name="curhat",
            earliest=datetime.combine(settings.earliest_date, datetime.min.time()),
            sweep=reader, on_deleted=deleted(settings, runtime))
        # what it says of Curhat's records speaks for the app (/apps/<app>): complaint-svc checks it is the producer
        writer = WriteBack(engine, settings.app_id, bridge.source, settings.tz,
                           Sealer(settings.reporter_key.get_secret_value(), RecordComplaintV2.SEAL_PURPOSE))
        mover = moves.StatusWriter(engine, settings.app_id, bridge.source, settings.tz, checkpoint, states)
        runtime.subscribe(CURHAT_COMMANDS, each(moves.commands(writer.on_record_complaint,
                                                               mover.on_set_complaint_status)),
                          group_id=f"{NAME}-commands")
        return Declared([feed], close=[engine.dispose], state={"poller": poller})

    return declared


def create_app(settings: BridgeCurhatSettings, *, exporter: SpanExporter | None = None) -> FastAPI:
    return bridge_app(NAME, settings, tables.metadata, PUBLISHES, declare(settings), exporter=exporter)


def main() -> None:
    settings = load(BridgeCurhatSettings, NAME)
    serve(create_app(settings), settings.http_host, settings.http_port, settings.log_level)
