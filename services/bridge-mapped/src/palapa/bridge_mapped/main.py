"""Composition root: one Bridge of the kit per mapping file, all in one process; nothing connects at import."""

from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.bridgekit import heartbeat, sqlpoll
from palapa.bridgekit.checkpoint import Checkpoint
from palapa.bridgekit.ingest import Bridge, SourceRecord
from palapa.bridgekit.loop import run_polls
from palapa.bridgekit.masking import safe_text
from palapa.bridgekit.replay import replay_router, rewind
from palapa.bridgekit.state import LastState, RowStates
from palapa.contracts.topics import ALL_TOPICS, BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, topic_for
from palapa.kit.clock import zone
from palapa.kit.db import make_engine
from palapa.kit.failures import RECORD_MAX_BYTES
from palapa.kit.http import serve, service_app
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load

from . import mapping as mappings
from . import store
from .settings import BridgeMappedSettings
from .source import SourceRow, TableReader
from .translate import as_text, local_to_utc, translate
from .yamlnodes import MappingError

NAME = "bridge-mapped"
log = logging.getLogger(__name__)


@dataclass
class Mapped:
    """One app bridged: its mapping, source, kit bridge and poller."""

    mapping: mappings.Mapping
    reader: TableReader
    bridge: Bridge
    poller: sqlpoll.SqlPoller


def build(runtime: Runtime, m: mappings.Mapping, settings: BridgeMappedSettings) -> Mapped:
    tz, ahead = zone(m.source.timezone), timedelta(hours=settings.future_hours)
    engine = make_engine(m.source.database_url, pool_size=2)
    reader = TableReader(engine, m.source.table, m.source.id_column, m.source.timestamp_column)

    def translation(record: SourceRecord, last: LastState | None):
        row: SourceRow = record.item
        return translate(m, row.values, last, tz, row.ts, datetime.now(UTC), RECORD_MAX_BYTES, ahead)

    def record(row: SourceRow) -> SourceRecord:
        return SourceRecord(source_id=str(row.id), fingerprint=row.digest,
                            status=as_text(row.values.get(m.status.column)) or "", changed_at=row.ts,
                            row={k: as_text(v) for k, v in row.values.items()}, item=row)

    def plausible(row: SourceRow) -> bool:
        horizon = datetime.now(tz).replace(tzinfo=None) + ahead
        return datetime(2000, 1, 1) <= row.ts <= horizon

    def mask_row(row: dict[str, str | None]) -> dict[str, str | None]:
        # masked and cut (a 2 MB text would make the quarantine event too large for any topic)
        return {k: None if v is None else "***" if k in m.personal_columns else safe_text(v) for k, v in row.items()}

    checkpoint = Checkpoint(store.checkpoint, m.app_id, sqlpoll.SourcePosition(), sqlpoll.encode, sqlpoll.decode)
    bridge = Bridge(runtime, m.app_id, checkpoint, RowStates(store.tables, m.app_id), translation, mask_row,
                    m.source.table)
    poller = sqlpoll.SqlPoller(bridge, reader, lookback_seconds=m.schedule.lookback_seconds,
                               batch_size=m.schedule.batch_size, plausible=plausible, record=record, name="mapped")
    return Mapped(m, reader, bridge, poller)


def create_app(settings: BridgeMappedSettings, *, exporter: SpanExporter | None = None,
               mapped: list[mappings.Mapping] | None = None) -> FastAPI:
    """The bridges of every mapping in settings.mappings_dir (MappingError when one is invalid)."""
    found = mappings.load_folder(settings.mappings_dir) if mapped is None else mapped
    runtime = Runtime(settings, NAME, store.metadata, exporter=exporter)
    apps = [build(runtime, m, settings) for m in found]
    stopping = asyncio.Event()
    loops: list[asyncio.Task] = []

    def beat_of(a: Mapped):
        tz = zone(a.mapping.source.timezone)

        async def beat():
            position = a.bridge.position or sqlpoll.SourcePosition()
            last_seen = local_to_utc(position.ts, tz) if position.ts else None
            return await heartbeat.beat_once(a.bridge, a.mapping.opd, last_seen,
                                             lambda: a.reader.oldest_unread(position), lambda t: local_to_utc(t, tz))
        return beat

    def replayer(a: Mapped):
        async def replay(since: datetime):
            local = since.astimezone(zone(a.mapping.source.timezone)).replace(tzinfo=None)
            return await rewind(a.bridge, sqlpoll.position_at(local), local)
        return replay

    async def start() -> None:
        stopping.clear()
        loops.clear()
        for a in apps:
            log.info("bridging %s: %s.%s → %s (%s)", a.mapping.app_id, a.mapping.source.table,
                     a.mapping.status.column, a.mapping.event.__name__, a.mapping.file)
            sch = a.mapping.schedule
            loops.append(runtime.spawn(run_polls(a.poller.poll_once, stopping, sch.every_seconds, sch.batch_size,
                                                 source=f"{a.mapping.app_id} source table"), f"{a.mapping.app_id}-poller"))
            loops.append(runtime.spawn(heartbeat.run(beat_of(a), stopping, settings.heartbeat_seconds),
                                       f"{a.mapping.app_id}-heartbeat"))

    async def stop() -> None:
        stopping.set()
        if loops:
            await asyncio.wait(loops, timeout=10)
        loops.clear()
        for a in apps:
            await a.reader.engine.dispose()

    publishes = [BRIDGE_QUARANTINE, BRIDGE_HEARTBEATS]
    for a in apps:
        if topic_for(a.mapping.event) not in publishes:
            publishes.append(topic_for(a.mapping.event))
    app = service_app(
        runtime, title="Palapa bridge-mapped", topics=ALL_TOPICS, publishes=publishes, on_start=[start],
        on_stop=[stop], routers=[replay_router({a.mapping.app_id: replayer(a) for a in apps},
                                               settings.admin_token_value)],
    )
    app.state.mapped = {a.mapping.app_id: a for a in apps}
    return app


def main() -> None:
    settings = load(BridgeMappedSettings, NAME)
    try:
        app = create_app(settings)
    except MappingError as exc:  # each line: file:line: reason
        sys.exit(f"{NAME}: mapping files refused:\n{exc}")
    serve(app, settings.http_host, settings.http_port, settings.log_level)
