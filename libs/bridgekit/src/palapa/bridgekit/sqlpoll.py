"""The SQL-polling adapter: a source table read by (change time, id), its position and lookback window, one poll.

Legacy timestamps are whole seconds and a write may commit after later ones were read, so every poll
re-reads from `position.ts - lookback`; rows that did not change since they were emitted are skipped by
their fingerprint (see SqlPoller). The position itself only moves forward.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import BigInteger, Column, DateTime

from .ingest import Bridge, SourceRecord
from .loop import SourceUnavailableError

WINDOW_RECHECK_SECONDS = 5.0


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
    async def scan(self, last: TimestampPosition, lookback_seconds: float, batch_size: int, *,
                   handled: Mapping[int, tuple[datetime, str]] | None = None, window: bool = True) -> list[Row]: ...

    async def oldest_unread(self, last: TimestampPosition) -> datetime | None: ...


class SqlPoller:
    """Reads a source table incrementally and hands each poll's rows to the bridge's ingest.

    `plausible(row)` says whether a row's change time may move the position; `record(row)` makes the kit's record.
    `name` prefixes the poll's span ('curhat poll') and its attributes.
    """

    def __init__(self, bridge: Bridge, reader: Reader, *, lookback_seconds: float, batch_size: int,
                 plausible: Callable[[Row], bool], record: Callable[[Row], SourceRecord], name: str) -> None:
        self.bridge = bridge
        self.reader = reader
        self.lookback_seconds = lookback_seconds
        self.batch_size = batch_size
        self.plausible = plausible
        self.record = record
        self.name = name
        # id -> (change time, source digest) of rows handled inside the lookback window: a window re-read
        # fetches only rows whose digest differs (whole-second timestamps cannot tell two versions apart)
        self.handled: dict[int, tuple[datetime, str]] = {}
        self._window_checked = 0.0
        self._catching_up = False
        self._pruned_at: datetime | None = None

    @property
    def position(self) -> TimestampPosition | None:
        return self.bridge.position

    @property
    def stats(self):
        return self.bridge.stats

    async def poll_once(self) -> int:
        """One poll; returns how many rows it read beyond the position (a full batch means: poll again now)."""
        bridge = self.bridge
        position = bridge.position if bridge.position is not None else await bridge.load_position()
        started = time.time_ns()
        # While catching up a backlog the window is re-checked every WINDOW_RECHECK_SECONDS, not at every page
        # (a backfill's rows share a few seconds: each re-check reads them all); the window reaches that much
        # further back, so a row committed late is still inside it at the next re-check.
        window = not self._catching_up or time.monotonic() - self._window_checked >= WINDOW_RECHECK_SECONDS
        lookback = self.lookback_seconds + WINDOW_RECHECK_SECONDS
        try:
            rows = await self.reader.scan(position, lookback, self.batch_size, window=window, handled=self.handled)
        except Exception as exc:  # any driver/network failure of the source
            bridge.stats.legacy_reachable = False
            raise SourceUnavailableError(str(exc) or type(exc).__name__) from exc
        bridge.stats.legacy_reachable = True
        bridge.stats.polls += 1
        if window:
            self._window_checked = time.monotonic()
        # A row stamped in the future (a '9999-12-31' typed in) is quarantined, and must not carry the position
        # past every later change; nor may one stamped '0001-01-01' leave it where the lookback overflows.
        # Such rows do not move the position: they are re-read, unchanged, while beyond it.
        plausible = [r for r in rows if self.plausible(r)]
        beyond = sum(1 for r in plausible if position.is_before(r.key))
        self._catching_up = beyond >= self.batch_size
        new_position = position.advance(r.key for r in plausible)
        records = [self.record(r) for r in rows]  # ingest skips the unchanged ones under the checkpoint's lock
        if new_position == position:
            # only window rows re-read: look without the lock first, most polls end here
            records = await bridge.changed(records)
            if not records:
                self._remember(rows, new_position, lookback)
                return beyond
        # the span starts when the poll did, so the trace covers the source read as well
        with bridge.runtime.tracer.start_as_current_span(f"{self.name} poll", start_time=started) as span:
            span.set_attribute(f"{self.name}.rows_read", len(rows))
            done = await bridge.ingest(records, new_position, read_from=position)
            span.set_attribute(f"{self.name}.events", done.emitted)
            span.set_attribute(f"{self.name}.quarantined", done.quarantined)
            span.set_attribute(f"{self.name}.rows_changed", done.handled)
        self._remember(rows, new_position, lookback)
        return beyond

    def _remember(self, rows: list[Row], position: TimestampPosition, lookback: float) -> None:
        """Keep the keys of handled rows while they are inside the lookback window."""
        self.handled.update((r.key[1], (r.key[0], getattr(r, "digest", ""))) for r in rows)
        if position.ts is not None and position.ts != self._pruned_at:  # prune once per second of the position
            self._pruned_at = position.ts
            start = position.scan_start(lookback).ts
            self.handled = {i: v for i, v in self.handled.items() if v[0] >= start}
