"""Composition root: one Bridge of the kit per mapping file, all in one process; nothing connects at import."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.bridgekit import heartbeat, restpoll, sqlpoll
from palapa.bridgekit.checkpoint import Checkpoint
from palapa.bridgekit.ingest import Bridge, Quarantine, SourceRecord, Translated
from palapa.bridgekit.loop import SourceUnavailableError, run_polls
from palapa.bridgekit.masking import safe_text
from palapa.bridgekit.replay import admin_routers, bridge_table, rewind
from palapa.bridgekit.state import LastState, RowStates
from palapa.contracts.topics import ALL_TOPICS, BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, topic_for
from palapa.kit.clock import zone
from palapa.kit.db import make_engine
from palapa.kit.failures import RECORD_MAX_BYTES
from palapa.kit.http import serve, service_app
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load

from . import jsonsource, tables
from . import mapping as mappings
from . import translate as mapped
from .settings import BridgeMappedSettings
from .source import SourceRow, TableReader
from .sourcespec import JsonSource, TableSource
from .translate import as_text, local_to_utc
from .yamlnodes import MappingError

NAME = "bridge-mapped"
log = logging.getLogger(__name__)


@dataclass
class Mapped:
    """One app bridged: its mapping, kit bridge, poll and heartbeat pieces."""

    mapping: mappings.Mapping
    bridge: Bridge
    poll_once: Callable[[], Awaitable[int]]
    batch: int  # a poll returning this many says: more waiting, poll again at once
    oldest_unread: Callable[[], Awaitable[datetime | None]]  # the source's oldest change beyond the position
    start_position: Any  # where a replay re-reads from, given the time (source local)
    close: Callable[[], Awaitable[None]]


def kit_bridge(runtime: Runtime, m: mappings.Mapping, settings: BridgeMappedSettings, checkpoint: Checkpoint) -> Bridge:
    """The kit's Bridge for a mapping: its translation, masking and row states."""
    tz, ahead = zone(m.source.timezone), timedelta(hours=settings.future_hours)

    def translation(record: SourceRecord, last: LastState | None):
        item = record.item
        if getattr(item, "problem", None):
            return Quarantine(item.problem)
        result = mapped.translate(m, item.values, last, tz, item.ts, datetime.now(UTC), RECORD_MAX_BYTES, ahead)
        if isinstance(result, mapped.Quarantine):
            return Quarantine(result.reason)
        return Translated(result.events, result.status, result.time, subject=result.subject)

    def mask_row(row: dict[str, str | None]) -> dict[str, str | None]:
        # masked and cut (a 2 MB text would make the quarantine event too large for any topic)
        return {k: None if v is None else "***" if k in m.personal_columns else safe_text(v) for k, v in row.items()}

    what = m.source.table if isinstance(m.source, TableSource) else m.source.url
    return Bridge(runtime, m.app_id, checkpoint, RowStates(tables.bridge, m.app_id), translation, mask_row, what)


def table_bridge(runtime: Runtime, m: mappings.Mapping, settings: BridgeMappedSettings) -> Mapped:
    src: TableSource = m.source
    tz, ahead = zone(src.timezone), timedelta(hours=settings.future_hours)
    engine = make_engine(src.database_url, pool_size=2)
    reader = TableReader(engine, src.table, src.id_column, src.timestamp_column)

    def record(row: SourceRow) -> SourceRecord:
        return SourceRecord(source_id=str(row.id), fingerprint=row.digest,
                            status=as_text(row.values.get(m.status.column)) or "", changed_at=row.ts,
                            row={k: as_text(v) for k, v in row.values.items()}, item=row)

    earliest = datetime(2000, 1, 1)

    def plausible(row: SourceRow, now: datetime) -> bool:  # now: the source's clock
        return earliest <= row.ts <= now + ahead

    def encode(p: sqlpoll.TimestampPosition) -> dict[str, Any]:
        return {**sqlpoll.encode(p), "position_token": None}

    checkpoint = Checkpoint(tables.checkpoint, m.app_id, sqlpoll.TimestampPosition(), encode, sqlpoll.decode)
    bridge = kit_bridge(runtime, m, settings, checkpoint)
    poller = sqlpoll.SqlPoller(bridge, reader, lookback_seconds=m.schedule.lookback_seconds,
                               batch_size=m.schedule.batch_size, plausible=plausible, record=record, name="mapped",
                               clock=lambda: sqlpoll.source_now(engine, tz), earliest=earliest)
    return Mapped(m, bridge, poller.poll_once, m.schedule.batch_size,
                  lambda: reader.oldest_unread(bridge.position or sqlpoll.TimestampPosition()),
                  sqlpoll.position_at, engine.dispose)


def json_bridge(runtime: Runtime, m: mappings.Mapping, settings: BridgeMappedSettings) -> Mapped:
    src: JsonSource = m.source
    tz = zone(src.timezone)
    client = httpx.AsyncClient(timeout=httpx.Timeout(10.0), follow_redirects=False)

    def parse(body, position: restpoll.TokenPosition) -> restpoll.Page:
        return jsonsource.parse(src, m.status.column, body, position, tz, datetime.now(tz).replace(tzinfo=None))

    def encode(p: restpoll.TokenPosition) -> dict[str, Any]:
        return {**restpoll.encode(p), "position_ts": None, "position_id": 0}

    checkpoint = Checkpoint(tables.checkpoint, m.app_id, restpoll.TokenPosition(), encode, restpoll.decode)
    bridge = kit_bridge(runtime, m, settings, checkpoint)
    pages = restpoll.HttpPages(client, src.url, parse, cursor_param=src.cursor_param)
    poller = restpoll.RestPoller(bridge, pages, name="mapped")

    async def oldest_unread() -> datetime | None:
        if not bridge.stats.legacy_reachable:  # the heartbeat reports the endpoint away through the lag
            raise SourceUnavailableError("the JSON endpoint did not answer the last poll")
        return None  # an endpoint cannot say what waits beyond its position without being read

    # a token is opaque: a replay reads from the beginning; only the items changed since T are unseen again
    return Mapped(m, bridge, poller.poll_once, poller.max_pages, oldest_unread,
                  lambda _since: restpoll.TokenPosition(), client.aclose)


def create_app(settings: BridgeMappedSettings, *, exporter: SpanExporter | None = None,
               mapped: list[mappings.Mapping] | None = None) -> FastAPI:
    """The bridges of every mapping in settings.mappings_dir (MappingError when one is invalid)."""
    found = mappings.load_folder(settings.mappings_dir) if mapped is None else mapped
    runtime = Runtime(settings, NAME, tables.metadata, exporter=exporter)
    apps = [(table_bridge if isinstance(m.source, TableSource) else json_bridge)(runtime, m, settings) for m in found]
    stopping = asyncio.Event()
    loops: list[asyncio.Task] = []

    def beat_of(a: Mapped):
        tz = zone(a.mapping.source.timezone)

        async def beat():
            position = a.bridge.position
            last_seen = local_to_utc(position.ts, tz) if getattr(position, "ts", None) else None
            return await heartbeat.beat_once(a.bridge, a.mapping.opd, last_seen, a.oldest_unread,
                                             lambda t: local_to_utc(t, tz))
        return beat

    def replayer(a: Mapped):
        async def replay(since: datetime):
            local = since.astimezone(zone(a.mapping.source.timezone)).replace(tzinfo=None)
            return await rewind(a.bridge, a.start_position(local), local)
        return replay

    async def start() -> None:
        stopping.clear()
        loops.clear()
        for a in apps:
            log.info("bridging %s: %s → %s (%s)", a.mapping.app_id, a.bridge.what, a.mapping.event.__name__,
                     a.mapping.file)
            loops.append(runtime.spawn(run_polls(a.poll_once, stopping, a.mapping.schedule.every_seconds, a.batch,
                                                 source=f"{a.mapping.app_id} source"), f"{a.mapping.app_id}-poller"))
            loops.append(runtime.spawn(heartbeat.run(beat_of(a), stopping, settings.heartbeat_seconds),
                                       f"{a.mapping.app_id}-heartbeat"))

    async def stop() -> None:
        stopping.set()
        if loops:
            await asyncio.wait(loops, timeout=10)
        loops.clear()
        for a in apps:
            await a.close()

    publishes = [BRIDGE_QUARANTINE, BRIDGE_HEARTBEATS]
    for a in apps:
        if topic_for(a.mapping.event) not in publishes:
            publishes.append(topic_for(a.mapping.event))
    app = service_app(
        runtime, title="Palapa bridge-mapped", topics=ALL_TOPICS, publishes=publishes, on_start=[start],
        on_stop=[stop], routers=admin_routers(runtime, {a.mapping.app_id: replayer(a) for a in apps}),
        protection=bridge_table(NAME),
    )
    app.state.mapped = {a.mapping.app_id: a for a in apps}
    return app


def check(folder: Path) -> int:
    """`python -m palapa.bridge_mapped --check [folder]`: validate mapping files without starting (CI, before
    deploy)."""
    try:
        found = mappings.load_folder(folder)
    except MappingError as exc:
        print(f"{NAME}: mapping files refused:\n{exc}", file=sys.stderr)
        return 1
    for m in found:
        print(f"{m.file}: ok: {m.app_id} → {m.event.__name__} ({len(m.fields)} fields)")
    return 0


def main() -> None:
    if "--check" in sys.argv[1:]:
        rest = [a for a in sys.argv[1:] if a != "--check"]
        sys.exit(check(Path(rest[0]) if rest else load(BridgeMappedSettings, NAME).mappings_dir))
    settings = load(BridgeMappedSettings, NAME)
    try:
        app = create_app(settings)
    except MappingError as exc:  # each line: file:line: reason
        sys.exit(f"{NAME}: mapping files refused:\n{exc}")
    serve(app, settings.http_host, settings.http_port, settings.log_level)
