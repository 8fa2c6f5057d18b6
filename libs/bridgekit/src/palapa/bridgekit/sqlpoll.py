"""The SQL-polling adapter: a source table read by (change time, id), its position and lookback window, one poll.

A change time is stamped when a transaction writes the row, not when it commits, and by whichever clock the
writer has: a row may become visible after rows with later timestamps were read (a late commit), or carry a
time behind the others (a writer's clock behind). So every poll re-reads a *window*: the rows changed since
`min(position, the source's now) - lookback`, where the source's now is asked of the source itself (never the
bridge's clock, which may disagree by minutes) and `lookback` is the source's longest transaction plus the
worst skew among its writers' clocks. Rows handled before are skipped by their digest (in memory) and their
fingerprint (row_state, in the same transaction as the events): each version is bridged exactly once.
Rows stamped before `earliest` (a '0001-01-01') lie behind every window: the window looks at them too, so
they are quarantined, not lost. The position itself only moves forward.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any, Protocol

from sqlalchemy import BigInteger, Column, DateTime, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from .ingest import Bridge, SourceRecord
from .loop import SourceUnavailableError

log = logging.getLogger(__name__)

WINDOW_RECHECK_SECONDS = 5.0
#: the default lookback: PHP's max_execution_time (30 s) kills a request's transaction long before this, and
#: it leaves a minute and a half for the clocks of the app servers that stamp the rows
DEFAULT_LOOKBACK_SECONDS = 120


@dataclass(frozen=True)
class Window:
    """What a poll re-reads behind the position: rows changed from `since` up to it, and every row stamped before
    `strays_before` (a year-one date, behind every window), when set."""

    since: datetime
    strays_before: datetime | None = None


async def source_now(engine: AsyncEngine, tz: tzinfo) -> datetime:
    """The source database's own clock, as a naive time in `tz` (the frame its timestamp columns are in).

    PostgreSQL answers `now()` with its zone (converted to `tz`); MySQL/MariaDB in the session's zone, which is
    the server's own: the frame its NOW() stamps rows in."""
    async with engine.connect() as conn:
        now = await conn.scalar(select(func.now()))
    return now.astimezone(tz).replace(tzinfo=None) if now.tzinfo is not None else now


@dataclass(frozen=True)
class TimestampPosition:
    """sqlpoll's position: (change time, id) of the last row read; ts None = nothing read yet."""

    ts: datetime | None = None
    id: int = 0

    @property
    def key(self) -> tuple[datetime, int] | None:
        return None if self.ts is None else (self.ts, self.id)

    def is_before(self, key: tuple[datetime, int]) -> bool:
        """True when a row at `key` lies beyond this position (it has not been read yet)."""
        return self.ts is None or key > (self.ts, self.id)

    def scan_start(self, lookback_seconds: float) -> TimestampPosition:
        """Where a poll starts reading: `lookback_seconds` before the position, from the first id of that second."""
        if self.ts is None:
            return self
        return TimestampPosition(self.ts - timedelta(seconds=lookback_seconds), 0)

    def advance(self, keys: Iterable[tuple[datetime, int]]) -> TimestampPosition:
        """The position after reading rows at `keys` (never moves backwards)."""
        best = self.key
        for key in keys:
            if best is None or key > best:
                best = key
        return self if best is None else TimestampPosition(*best)


def position_at(since: datetime) -> TimestampPosition:
    """The position from which every row changed at or after `since` (source local time) is read again."""
    return TimestampPosition(since, 0)  # ids start at 1: (since, 0) lies before every row of that second


def position_columns() -> list[Column]:
    """The checkpoint's columns for a TimestampPosition."""
    return [
        Column("position_ts", DateTime(timezone=False), nullable=True),  # the source's local time, as read
        Column("position_id", BigInteger, nullable=False),
    ]


def encode(position: TimestampPosition) -> dict[str, Any]:
    return {"position_ts": position.ts, "position_id": position.id}


def decode(row: Mapping[str, Any]) -> TimestampPosition:
    return TimestampPosition(row["position_ts"], row["position_id"])


class Row(Protocol):
    """A source row as read: its key (change time, id) and the source database's own digest of it."""

    @property
    def key(self) -> tuple[datetime, int]: ...

    digest: str


class Reader(Protocol):
    async def scan(self, last: TimestampPosition, window: Window | None, batch_size: int, *,
                   handled: Mapping[int, tuple[datetime, str]] | None = None) -> list[Row]:
        """The rows of `window` (None: no window this poll) up to `last` whose digest differs from the one
        `handled` holds for their id, then at most `batch_size` rows beyond `last`, in (change time, id) order."""
        ...

    async def oldest_unread(self, last: TimestampPosition) -> datetime | None: ...


class SqlPoller:
    """Reads a source table incrementally and hands each poll's rows to the bridge's ingest.

    `clock()` asks the source for its now (see `source_now`); `plausible(row, now)` says whether a row's change
    time may move the position (now: the source's); `record(row)` makes the kit's record. `lookback_seconds`: the
    source's longest transaction plus its writers' worst clock skew. `earliest`: rows stamped before it are
    looked at in every window (they would lie behind it). `name` prefixes the poll's span ('curhat poll').
    """

    def __init__(self, bridge: Bridge, reader: Reader, *, lookback_seconds: float, batch_size: int,
                 plausible: Callable[[Row, datetime], bool], record: Callable[[Row], SourceRecord], name: str,
                 clock: Callable[[], Awaitable[datetime]], earliest: datetime | None = None) -> None:
        self.bridge = bridge
        self.reader = reader
        self.lookback_seconds = lookback_seconds
        self.batch_size = batch_size
        self.plausible = plausible
        self.record = record
        self.name = name
        self.clock = clock
        self.earliest = earliest
        # id -> (change time, source digest) of rows handled inside the window (and strays): a window re-read
        # fetches only rows whose digest differs (whole-second timestamps cannot tell two versions apart)
        self.handled: dict[int, tuple[datetime, str]] = {}
        self._window_checked = 0.0
        self._catching_up = False
        self.source_now: datetime | None = None  # the source's clock at the last poll

    @property
    def position(self) -> TimestampPosition | None:
        return self.bridge.position

    @property
    def stats(self):
        return self.bridge.stats

    def window(self, position: TimestampPosition, now: datetime, lookback: float) -> Window | None:
        """The window behind `position`: measured from the source's now when the position lies ahead of it (a
        row stamped by a clock ahead carried it there), so rows stamped by the source's own clock stay inside."""
        if position.ts is None:
            return None
        since = min(position.ts, now) - timedelta(seconds=lookback)
        return Window(since, self.earliest)

    async def poll_once(self) -> int:
        """One poll; returns how many rows it read beyond the position (a full batch means: poll again now)."""
        bridge = self.bridge
        position = bridge.position if bridge.position is not None else await bridge.load_position()
        started = time.time_ns()
        # While catching up a backlog the window is re-checked every WINDOW_RECHECK_SECONDS, not at every page
        # (a backfill's rows share a few seconds: each re-check reads them all); the window reaches that much
        # further back, so a row committed late is still inside it at the next re-check.
        recheck = not self._catching_up or time.monotonic() - self._window_checked >= WINDOW_RECHECK_SECONDS
        lookback = self.lookback_seconds + WINDOW_RECHECK_SECONDS
        try:
            now = self.source_now = await self.clock()  # asked first: a row read after it is no later than it
            window = self.window(position, now, lookback)
            rows = await self.reader.scan(position, window if recheck else None, self.batch_size,
                                          handled=self.handled)
        except Exception as exc:  # any driver/network failure of the source
            bridge.stats.legacy_reachable = False
            raise SourceUnavailableError(str(exc) or type(exc).__name__) from exc
        bridge.stats.legacy_reachable = True
        bridge.stats.polls += 1
        if recheck:
            self._window_checked = time.monotonic()
        # A row stamped in the future (a '9999-12-31' typed in) is quarantined, and must not carry the position
        # past every later change; nor may one stamped '0001-01-01' leave it where the lookback overflows.
        # Such rows do not move the position: they are re-read, unchanged, while beyond it.
        plausible = [r for r in rows if self.plausible(r, now)]
        beyond = sum(1 for r in plausible if position.is_before(r.key))
        self._catching_up = beyond >= self.batch_size
        new_position = position.advance(r.key for r in plausible)
        records = [self.record(r) for r in rows]  # ingest skips the unchanged ones under the checkpoint's lock
        if new_position == position:
            # only window rows re-read: look without the lock first, most polls end here
            fresh = await bridge.changed(records)
            bridge.count_read(len(records) - len(fresh))  # the rest are counted by ingest when committed
            bridge.count_unchanged(len(records) - len(fresh))
            records = fresh
            if not records:
                self._remember(rows, self.window(new_position, now, lookback))
                return beyond
        # the span starts when the poll did, so the trace covers the source read as well
        with bridge.runtime.tracer.start_as_current_span(f"{self.name} poll", start_time=started) as span:
            span.set_attribute(f"{self.name}.rows_read", len(rows))
            done = await bridge.ingest(records, new_position, read_from=position)
            span.set_attribute(f"{self.name}.events", done.emitted)
            span.set_attribute(f"{self.name}.quarantined", done.quarantined)
            span.set_attribute(f"{self.name}.rows_changed", done.handled)
        self._remember(rows, self.window(new_position, now, lookback))
        return beyond

    def _remember(self, rows: list[Row], window: Window | None) -> None:
        """Keep the digests of handled rows while the window (or its strays) may read them again."""
        self.handled.update((r.key[1], (r.key[0], getattr(r, "digest", ""))) for r in rows)
        if window is not None and len(self.handled) > 2 * max(self.batch_size, 1000):
            strays = window.strays_before
            self.handled = {i: v for i, v in self.handled.items()
                            if v[0] >= window.since or (strays is not None and v[0] < strays)}
