"""The digest sweep: what polling by change time cannot see. A row deleted from the source, or changed without its
change time moving (a DBA's UPDATE, a trigger-less fix), is never read again by a poll. Every `sweep_seconds`
the sweep reads the source by id in pages, fingerprints each row as the poll would, and compares with row_state:

- a row whose fingerprint differs (or that row_state lacks) goes through the bridge's ingest like a polled one:
  its translation emits what the change means (e.g. a corrected status);
- a row_state row whose source row is gone is *deleted*: the bridge's `on_deleted(source_id, last)` says what
  that means (e.g. a withdrawn complaint) or None (nothing to announce), and row_state remembers it as
  DELETED so the next sweep does not count it again (a row restored later differs from that and is handled).

Only rows the poll has passed (at or before the position) are compared: the rest are the poll's, not drift.
What one pass finds before fixing it is `palapa_bridge_legacy_mismatches` on /metrics.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import BigInteger, Integer, case, cast, select, update

from palapa.contracts.envelope import Envelope
from palapa.kit.loops import Outage, pause

from .ingest import Bridge, CheckpointMovedError, subject_of
from .protocol import LastState, Quarantine, SourceRecord, Translated

log = logging.getLogger(__name__)

#: row_state's fingerprint of a row deleted from the source (no digest of a real row looks like this)
DELETED = "deleted"
PAGE_ROWS = 5000

#: a deleted row → its events and status, or None when a deletion means nothing to announce
OnDeleted = Callable[[str, LastState], Translated | Quarantine | None]


class SweepSource(Protocol):
    async def sweep_page(self, after: int | None, limit: int) -> list[Any]:
        """At most `limit` source rows with id > `after` (None: from the first), in id order; each has `.key`
        (change time, id) like the poll's rows."""
        ...


@dataclass(frozen=True)
class Swept:
    """One pass: rows read, and what differed before the pass fixed it."""

    rows: int
    changed: int  # fingerprint differs, or no row_state (a row the poll never saw)
    deleted: int
    seconds: float

    @property
    def mismatches(self) -> int:
        return self.changed + self.deleted


class Sweep:
    """The sweep of one sqlpoll feed: `record(row)` is the poll's, `position()` the feed's current position."""

    def __init__(self, bridge: Bridge, source: SweepSource, record: Callable[[Any], SourceRecord],
                 position: Callable[[], Any], on_deleted: OnDeleted | None = None, page_rows: int = PAGE_ROWS) -> None:
        self.bridge, self.source, self.record, self.position = bridge, source, record, position
        self.on_deleted = on_deleted
        self.page_rows = page_rows
        t = bridge.states.tables.row_state
        self._numeric = isinstance(t.c.source_id.type, BigInteger | Integer)

    async def run_once(self) -> Swept:
        """One full pass over the source; returns what it found (and fixed)."""
        started = time.monotonic()
        rows = changed = deleted = 0
        after: int | None = None
        while True:
            # row_state first, then the source: a row missing from the later read was deleted (a row inserted
            # meanwhile is in neither snapshot's range)
            known = await self._known(after)
            page = await self.source.sweep_page(after, self.page_rows)
            ends = [int(known[-1].source_id)] if len(known) == self.page_rows else []
            ends += [page[-1].key[1]] if len(page) == self.page_rows else []
            upto = min(ends) if ends else None  # None: both read to the end
            page = [r for r in page if upto is None or r.key[1] <= upto]
            present = {r.key[1] for r in page}
            gone = [r for r in known if (upto is None or int(r.source_id) <= upto) and int(r.source_id) not in present]
            last = self.position()
            rows += len(page)
            changed += await self._compare([r for r in page if last.key is not None and r.key <= last.key])
            if gone:
                await self._announce(gone)
                deleted += len(gone)
            if upto is None:
                break
            after = upto
        found = Swept(rows, changed, deleted, time.monotonic() - started)
        self.bridge.stats.legacy_mismatches = found.mismatches
        if found.mismatches:
            log.warning("%s sweep: %d rows changed behind the poll, %d deleted (of %d read in %.1f s)",
                        self.bridge.app_id, found.changed, found.deleted, found.rows, found.seconds)
        return found

    async def _compare(self, rows: list[Any]) -> int:
        """Hand the rows whose fingerprint differs from row_state's to the ingest; returns how many."""
        if not rows:
            return 0
        records = await self.bridge.changed([self.record(r) for r in rows])
        if not records:
            return 0
        for _ in range(5):  # the poll moved the position meanwhile: the same records, from the new position
            position = self.bridge.position if self.bridge.position is not None else await self.bridge.load_position()
            try:
                await self.bridge.ingest(records, position, read_from=position)
                return len(records)
            except CheckpointMovedError:
                continue
        raise CheckpointMovedError("the position kept moving during a sweep page: redone at the next sweep")

    async def _known(self, after: int | None) -> list[Any]:
        """The next page of row states (not marked deleted) by id after `after`."""
        t = self.bridge.states.tables.row_state
        if self._numeric:
            key = t.c.source_id
        else:  # text ids (bridge-mapped): a table source's are integers as written; others are not its rows
            key = case((t.c.source_id.regexp_match(r"^[0-9]{1,18}$"), cast(t.c.source_id, BigInteger)), else_=None)
        stmt = (select(t.c.source_id, t.c.status, t.c.fingerprint, t.c.legacy_updated_at)
                .where(*self.bridge.states.scope(), t.c.fingerprint != DELETED, key.is_not(None))
                .order_by(key).limit(self.page_rows))
        if after is not None:
            stmt = stmt.where(key > after)
        async with self.bridge.runtime.sessions() as s:
            return list((await s.execute(stmt)).all())

    async def _announce(self, gone: list[Any]) -> None:
        t = self.bridge.states.tables.row_state
        now = datetime.now(UTC)
        async with self.bridge.runtime.transaction() as tx:
            for r in gone:
                last = LastState(r.status, r.fingerprint, r.legacy_updated_at)
                meant = self.on_deleted(str(r.source_id), last) if self.on_deleted else None
                status = r.status
                if isinstance(meant, Translated):
                    at = {"time": meant.time} if meant.time is not None else {}  # else: now
                    for event in meant.events:
                        tx.publish(Envelope(event, source=self.bridge.source,
                                            subject=meant.subject or subject_of(event), **at))
                    status = meant.status
                    self.bridge.stats.events_emitted += len(meant.events)
                log.warning("%s %s deleted from the source%s", self.bridge.what, r.source_id,
                            "" if meant else ": nothing to announce")
                await tx.session.execute(update(t).where(*self.bridge.states.scope(), t.c.source_id == r.source_id)
                                         .values(fingerprint=DELETED, status=status, updated_at=now))


async def run_sweeps(sweep: Sweep, stopping: asyncio.Event, every: float) -> None:
    """A pass every `every` seconds (the first after one interval: a start has enough to do) until stopping."""
    failing = Outage(f"{sweep.bridge.app_id} sweep", log)
    while not stopping.is_set():
        await pause(stopping, every)
        if stopping.is_set():
            return
        try:
            await sweep.run_once()
        except Exception as exc:  # source or own database away: logged once per outage, the next pass tries again
            failing.failed(exc)
        else:
            failing.recovered()
