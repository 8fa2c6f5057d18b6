"""One feed of the kit's runner per mapping file: a table source on the kit's SqlPoller (with the digest sweep), a
JSON endpoint on its RestPoller. The translation is the mapping's (translate.py); nothing here is app-specific."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from palapa.bridgekit import restpoll, sqlpoll
from palapa.bridgekit.checkpoint import Checkpoint
from palapa.bridgekit.ingest import Bridge
from palapa.bridgekit.loop import SourceUnavailableError
from palapa.bridgekit.masking import safe_text
from palapa.bridgekit.protocol import LastState, Quarantine, SourceRecord, Translated
from palapa.bridgekit.replay import rewind
from palapa.bridgekit.runner import Feed, sql_feed
from palapa.bridgekit.state import RowStates
from palapa.kit.clock import zone
from palapa.kit.db import make_engine
from palapa.kit.failures import RECORD_MAX_BYTES
from palapa.kit.runtime import Runtime

from . import jsonsource, tables
from . import mapping as mappings
from . import translate as mapped
from .settings import BridgeMappedSettings
from .source import SourceRow, TableReader
from .sourcespec import JsonSource, TableSource
from .translate import as_text

Close = Callable[[], Awaitable[None]]
#: rows stamped before this do not move a table's position (a '0001-01-01'): the window still looks at them
EARLIEST = datetime(2000, 1, 1)


def kit_bridge(runtime: Runtime, m: mappings.Mapping, settings: BridgeMappedSettings, checkpoint: Checkpoint) -> Bridge:
    """The kit's Bridge for a mapping: its translation, masking and row states (keyed by the app id)."""
    tz, ahead = zone(m.source.timezone), timedelta(hours=settings.future_hours)

    def translation(record: SourceRecord, last: LastState | None) -> Translated | Quarantine:
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


def table_feed(runtime: Runtime, m: mappings.Mapping, settings: BridgeMappedSettings) -> tuple[Feed, Close]:
    """A table read by (timestamp column, id column), swept for deletes and silent updates; returns the feed and
    what closes its engine (the runner does, after the loops stopped)."""
    src: TableSource = m.source
    tz, ahead = zone(src.timezone), timedelta(hours=settings.future_hours)
    engine = make_engine(src.database_url, pool_size=2)
    reader = TableReader(engine, src.table, src.id_column, src.timestamp_column)

    def record(row: SourceRow) -> SourceRecord:
        return SourceRecord(source_id=str(row.id), fingerprint=row.digest,
                            status=as_text(row.values.get(m.status.column)) or "", changed_at=row.ts,
                            row={k: as_text(v) for k, v in row.values.items()}, item=row)

    def plausible(row: SourceRow, now: datetime) -> bool:  # now: the source's clock
        return EARLIEST <= row.ts <= now + ahead

    def encode(p: sqlpoll.TimestampPosition) -> dict[str, Any]:
        return {**sqlpoll.encode(p), "position_token": None}

    checkpoint = Checkpoint(tables.checkpoint, m.app_id, sqlpoll.TimestampPosition(), encode, sqlpoll.decode)
    bridge = kit_bridge(runtime, m, settings, checkpoint)
    # a row deleted from the table means nothing a mapping can announce: the sweep logs it and counts it
    feed, _ = sql_feed(bridge, reader, tz=tz, interval=m.schedule.every_seconds,
                       lookback_seconds=m.schedule.lookback_seconds, batch_size=m.schedule.batch_size,
                       plausible=plausible, record=record, clock=lambda: sqlpoll.source_now(engine, tz),
                       earliest=EARLIEST, name="mapped", source=f"{m.app_id} source", sweep=reader)
    feed.opd = m.opd
    return feed, engine.dispose


def json_feed(runtime: Runtime, m: mappings.Mapping, settings: BridgeMappedSettings) -> tuple[Feed, Close]:
    """A JSON endpoint read page by page after its cursor (or whole); returns the feed and what closes its client."""
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

    async def replay(since: datetime):
        # a token is opaque: a replay reads from the beginning; only the items changed since T are unseen again
        return await rewind(bridge, restpoll.TokenPosition(), since.astimezone(tz).replace(tzinfo=None))

    feed = Feed(bridge, poller.poll_once, m.schedule.every_seconds, poller.max_pages, f"{m.app_id} source",
                oldest_unread=oldest_unread, replay=replay, opd=m.opd)
    return feed, client.aclose


def feed_of(runtime: Runtime, m: mappings.Mapping, settings: BridgeMappedSettings) -> tuple[Feed, Close]:
    """The feed of one mapping, by its source's kind, and what closes the source's client."""
    return (table_feed if isinstance(m.source, TableSource) else json_feed)(runtime, m, settings)
