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
import hashlib
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
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

#: a deleted row → its events and status, or None when a deletion means nothing to announce (it may be a coroutine:
#: e.g. to look up the ticket the bridge wrote the row for)
Meaning = Translated | Quarantine | None
OnDeleted = Callable[[str, LastState], Meaning | Awaitable[Meaning]]


class SweepSource(Protocol):
    async def sweep_page(self, after: int | None, limit: int) -> list[Any]:
        """At most `limit` source rows with id > `after` (None: from the first), in id order; each has `.key`
        (change time, id) like the poll's rows."""
        ...


class DigestSource(SweepSource, Protocol):
    """A source whose database digests its own rows (sweepsql.py): a range of ids whose digest has not moved since
    the last pass compared every row of it is not read again."""

    async def sweep_digests(self, uppers: list[int]) -> dict[int, tuple[str, int]] | None:
        """(digest, rows) per range of ids: range i holds uppers[i-1] < id <= uppers[i] (range 0 from the first id,
        range len(uppers) to the last); an empty range is absent. None: this database cannot digest."""
        ...

    async def sweep_rows(self, after: int | None, limit: int | None, upto: int | None) -> list[tuple[Any, str]]:
        """sweep_page's rows (up to id `upto` when given, no limit when None), each with its database digest."""
        ...


def range_digest(row_digests: list[str]) -> str:
    """A range's digest from its rows' digests in id order, as the database makes it (sweepsql); '' when empty."""
    return hashlib.md5("".join(row_digests).encode()).hexdigest() if row_digests else ""


@dataclass(frozen=True)
class Range:
    """A range of ids as the last pass left it: `upto` None runs to the table's end; `digest` the database's digest
    of its rows when the pass compared every one of them (None: read it again next time)."""

    after: int | None
    upto: int | None
    digest: str | None


@dataclass
class _Tally:
    rows: int = 0
    reread: int = 0
    changed: int = 0
    deleted: int = 0
    source_seconds: float = 0.0


@dataclass(frozen=True)
class Swept:
    """One pass: rows covered, what differed before the pass fixed it, and what it cost."""

    rows: int  # rows of the source the pass covered: read again, or vouched for by an unchanged range digest
    changed: int  # fingerprint differs, or no row_state (a row the poll never saw)
    deleted: int
    seconds: float
    reread: int = 0  # rows read and fingerprinted by the bridge
    cpu_seconds: float = 0.0  # the bridge process's CPU during the pass (its other loops' included)
    source_seconds: float = 0.0  # waiting for the source's answers

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
        self.digesting = hasattr(source, "sweep_digests")
        self.ranges: list[Range] = []  # as the last pass left them (the first pass after a start reads everything)
        t = bridge.states.tables.row_state
        self._numeric = isinstance(t.c.source_id.type, BigInteger | Integer)

    async def run_once(self) -> Swept:
        """One full pass over the source; returns what it found (and fixed)."""
        started, cpu = time.monotonic(), time.process_time()
        tally = _Tally()
        digests = await self._digests(tally)
        ranges: list[Range] = []
        to_end = False
        for i, r in enumerate(self.ranges if digests is not None else []):
            digest, rows = digests.get(i, ("", 0))
            if r.digest is not None and digest == r.digest:  # not one row of it changed, appeared or went
                ranges.append(r)
                tally.rows += rows
                to_end = r.upto is None
                continue
            if r.upto is None:
                break  # the end of the table: read in pages below, as new ranges
            # row_state first, then the source: a row missing from the later read was deleted (a row inserted
            # meanwhile is in neither snapshot's range)
            known = await self._known(r.after, r.upto)
            ranges.append(await self._check(r.after, r.upto, await self._read(r.after, None, r.upto, tally), known,
                                            tally))
        after = ranges[-1].upto if ranges else None
        while not to_end:  # the rest in pages: each page's end is the end of a new range
            known = await self._known(after, None, self.page_rows)
            page = await self._read(after, self.page_rows, None, tally)
            ends = [int(known[-1].source_id)] if len(known) == self.page_rows else []
            ends += [page[-1][0].key[1]] if len(page) == self.page_rows else []
            upto = min(ends) if ends else None  # None: both read to the end
            page = [p for p in page if upto is None or p[0].key[1] <= upto]
            known = [k for k in known if upto is None or int(k.source_id) <= upto]
            ranges.append(await self._check(after, upto, page, known, tally))
            to_end, after = upto is None, upto
        self.ranges = ranges
        found = Swept(tally.rows, tally.changed, tally.deleted, time.monotonic() - started, tally.reread,
                      time.process_time() - cpu, tally.source_seconds)
        return remember(self.bridge, found)

    async def _digests(self, tally: _Tally) -> dict[int, tuple[str, int]] | None:
        if not self.digesting or not self.ranges:
            return None
        asked = time.monotonic()
        digests = await self.source.sweep_digests([r.upto for r in self.ranges if r.upto is not None])
        tally.source_seconds += time.monotonic() - asked
        return digests

    async def _read(self, after: int | None, limit: int | None, upto: int | None,
                    tally: _Tally) -> list[tuple[Any, str | None]]:
        asked = time.monotonic()
        if self.digesting:
            page = await self.source.sweep_rows(after, limit, upto)
        else:
            page = [(r, None) for r in await self.source.sweep_page(after, limit or self.page_rows)]
        tally.source_seconds += time.monotonic() - asked
        return page

    async def _check(self, after: int | None, upto: int | None, page: list[tuple[Any, str | None]], known: list[Any],
                     tally: _Tally) -> Range:
        """Compare the source's rows of (after, upto] with row_state's (`known`, read before them); returns the range
        as this pass leaves it."""
        tally.rows += len(page)
        tally.reread += len(page)
        present = {r.key[1] for r, _ in page}
        gone = [r for r in known if int(r.source_id) not in present]
        last = self.position()
        compared = [r for r, _ in page if last.key is not None and r.key <= last.key]
        tally.changed += await self._compare(compared)
        if gone:
            await self._announce(gone)
            tally.deleted += len(gone)
        digests = [d for _, d in page]
        whole = len(compared) == len(page) and None not in digests
        return Range(after, upto, range_digest(digests) if whole else None)

    async def _compare(self, rows: list[Any]) -> int:
        """Hand the rows whose fingerprint differs from row_state's to the ingest; returns how many."""
        return await hand_over(self.bridge, [self.record(r) for r in rows]) if rows else 0

    async def _known(self, after: int | None, upto: int | None, limit: int | None = None) -> list[Any]:
        """The row states (not marked deleted) of ids in (after, upto] (upto None: to the last), at most `limit`."""
        t = self.bridge.states.tables.row_state
        if self._numeric:
            key = t.c.source_id
        else:  # text ids (bridge-mapped): a table source's are integers as written; others are not its rows
            key = case((t.c.source_id.regexp_match(r"^[0-9]{1,18}$"), cast(t.c.source_id, BigInteger)), else_=None)
        stmt = (select(t.c.source_id, t.c.status, t.c.fingerprint, t.c.legacy_updated_at)
                .where(*self.bridge.states.scope(), t.c.fingerprint != DELETED, key.is_not(None))
                .order_by(key).limit(limit))
        if after is not None:
            stmt = stmt.where(key > after)
        if upto is not None:
            stmt = stmt.where(key <= upto)
        async with self.bridge.runtime.sessions() as s:
            return list((await s.execute(stmt)).all())

    async def _announce(self, gone: list[Any]) -> None:
        await announce_deleted(self.bridge, gone, self.on_deleted)


def remember(bridge: Bridge, found: Swept) -> Swept:
    """A pass's findings on the bridge's stats (/metrics: palapa_bridge_legacy_mismatches and the pass's cost)."""
    bridge.stats.legacy_mismatches = found.mismatches
    bridge.stats.last_sweep = found
    bridge.stats.last_sweep_at = datetime.now(UTC)
    bridge.stats.sweeps += 1
    if found.mismatches:
        log.warning("%s sweep: %d rows changed behind the poll, %d deleted (of %d read in %.1f s)",
                    bridge.app_id, found.changed, found.deleted, found.reread, found.seconds)
    return found


async def hand_over(bridge: Bridge, records: list[SourceRecord]) -> int:
    """Hand the records whose fingerprint differs from row_state's to the bridge's ingest (from its position, as
    the poll would); returns how many differed."""
    records = await bridge.changed(records) if records else []
    if not records:
        return 0
    for _ in range(5):  # the poll moved the position meanwhile: the same records, from the new position
        position = bridge.position if bridge.position is not None else await bridge.load_position()
        try:
            await bridge.ingest(records, position, read_from=position)
            return len(records)
        except CheckpointMovedError:
            continue
    raise CheckpointMovedError("the position kept moving during a sweep page: redone at the next sweep")


async def announce_deleted(bridge: Bridge, gone: list[Any], on_deleted: OnDeleted | None) -> None:
    """Publish what each row state whose source row is gone means, and mark it DELETED (one transaction)."""
    t = bridge.states.tables.row_state
    now = datetime.now(UTC)
    async with bridge.runtime.transaction() as tx:
        for r in gone:
            last = LastState(r.status, r.fingerprint, r.legacy_updated_at)
            meant = on_deleted(str(r.source_id), last) if on_deleted else None
            if inspect.isawaitable(meant):
                meant = await meant
            status = r.status
            if isinstance(meant, Translated):
                at = {"time": meant.time} if meant.time is not None else {}  # else: now
                for event in meant.events:
                    tx.publish(Envelope(event, source=bridge.source, subject=meant.subject or subject_of(event), **at))
                status = meant.status
                bridge.stats.events_emitted += len(meant.events)
            log.warning("%s %s deleted from the source%s", bridge.what, r.source_id,
                        "" if meant else ": nothing to announce")
            await tx.session.execute(update(t).where(*bridge.states.scope(), t.c.source_id == r.source_id)
                                     .values(fingerprint=DELETED, status=status, updated_at=now))


class Pass(Protocol):
    """A periodic check of a feed (Sweep here, sweeplist.ListingSweep for API sources)."""

    bridge: Bridge

    async def run_once(self) -> Swept: ...


async def run_sweeps(sweep: Pass, stopping: asyncio.Event, every: float) -> None:
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
