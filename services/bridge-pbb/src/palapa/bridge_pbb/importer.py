"""A full export in, only its changes out: the file is read in chunks, each chunk diffed in bulk in PostgreSQL.

Per chunk, ONE transaction under the export checkpoint's row lock (compare-and-set): the chunk's bills are
COPied into a temporary table, joined with `bill` (what was last announced) to find the new and changed ones,
the events of those are staged in the outbox (rendered by render.py, written by COPY), `bill` is updated,
refused lines are quarantined with their line number and reason, and the position moves past the chunk.
The relay publishes while the next chunk is read. Memory holds one chunk, never the file.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, tzinfo
from pathlib import Path

from palapa.bridgekit.checkpoint import Checkpoint
from palapa.bridgekit.filedrop import DropFile, FileDrop, FilePosition, read_chunks
from palapa.bridgekit.ingest import CheckpointMovedError, Stats
from palapa.contracts.envelope import Envelope
from palapa.contracts.events import RowQuarantined
from palapa.kit.runtime import Runtime
from palapa.kit.telemetry import current_traceparent

from . import privacy, render, tables
from .translate import Bill, Known, RefusedLine, diff, line_fields, parse_line

log = logging.getLogger(__name__)

LINES = "CREATE TEMP TABLE pbb_lines (line bigint, line_hash bigint) ON COMMIT DROP"
# the lines no bill was last read from, as they are: only those are parsed (an export is mostly last night's)
UNSEEN = """SELECT l.line FROM pbb_lines l
WHERE NOT EXISTS (SELECT 1 FROM bridge_pbb.bill b WHERE b.line_hash = l.line_hash) ORDER BY l.line"""
STAGE = ("CREATE TEMP TABLE pbb_stage (line bigint, nop text, year int, amount_due bigint, due_date date, "
         "paid bool, paid_on date, line_hash bigint) ON COMMIT DROP")
# the last line of a bill wins within a chunk (a duplicated row); a later chunk is diffed after this one
DIFF = """CREATE TEMP TABLE pbb_diff ON COMMIT DROP AS
SELECT s.line, s.nop, s.year, s.amount_due, s.due_date, s.paid, s.paid_on, s.line_hash,
       b.amount_due AS old_amount, b.due_date AS old_due, b.paid AS old_paid
FROM (SELECT DISTINCT ON (nop, year) * FROM pbb_stage ORDER BY nop, year, line DESC) s
LEFT JOIN bridge_pbb.bill b ON b.nop = s.nop AND b.year = s.year
WHERE b.nop IS NULL OR b.amount_due <> s.amount_due OR b.due_date <> s.due_date OR (s.paid AND NOT b.paid)"""
# paid never goes back (translate.diff); OR with the row as locked now: a payment may have committed meanwhile
UPSERT = """INSERT INTO bridge_pbb.bill AS b (nop, year, amount_due, due_date, paid, line_hash, updated_at)
SELECT nop, year, amount_due, due_date, paid, line_hash, $1 FROM pbb_diff
ON CONFLICT (nop, year) DO UPDATE SET amount_due = EXCLUDED.amount_due, due_date = EXCLUDED.due_date,
  paid = b.paid OR EXCLUDED.paid, line_hash = EXCLUDED.line_hash, updated_at = EXCLUDED.updated_at"""
# a bill written differently with the same values (its NOP dotted now): no event, but its line is remembered
RELINE = """UPDATE bridge_pbb.bill b SET line_hash = s.line_hash
FROM (SELECT DISTINCT ON (nop, year) nop, year, line_hash FROM pbb_stage ORDER BY nop, year, line DESC) s
WHERE b.nop = s.nop AND b.year = s.year AND b.line_hash IS DISTINCT FROM s.line_hash"""


def line_hash(raw: bytes) -> int:
    """A 64-bit digest of a line (signed, for a bigint column)."""
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "big", signed=True)


@dataclass(frozen=True)
class ChunkResult:
    bills: int
    emitted: int
    quarantined: int


class ExportImporter:
    """Takes the exports the drop folder offers, one at a time, and stages their changes."""

    def __init__(self, runtime: Runtime, app_id: str, drop: FileDrop, checkpoint: Checkpoint, tz: tzinfo,
                 chunk_lines: int, stats: Stats) -> None:
        self.runtime = runtime
        self.app_id = app_id
        self.drop = drop
        self.checkpoint = checkpoint
        self.tz = tz
        self.chunk_lines = chunk_lines
        self.stats = stats
        self.position: FilePosition | None = None
        self.last_file_at: datetime | None = None

    async def load_position(self) -> FilePosition:
        async with self.runtime.sessions() as s, s.begin():
            position = await self.checkpoint.load(s, for_update=True)
            if position == self.checkpoint.start:
                await self.checkpoint.save(s, position, datetime.now(UTC))
        self.position = position
        return position

    async def poll_once(self) -> int:
        """Look at the folder; import the next export if one is ready. Returns 0 (the kit's loop then waits)."""
        position = self.position if self.position is not None else await self.load_position()
        found = self.drop.look(position)
        if found is not None:
            await self.import_file(found)
        return 0

    async def import_file(self, found: DropFile) -> None:
        exported = datetime.fromtimestamp(found.start.mtime_ns / 1e9, UTC)
        if found.unchanged:
            log.info("export %s has the bytes of the last one: nothing to read", found.path.name)
            await self._commit(found.start, [], 1, found.path, exported)
            return
        log.info("export %s: reading from line %d", found.path.name, found.start.line + 1)
        start, total = found.start, ChunkResult(0, 0, 0)
        for chunk in read_chunks(found.path, start, self.chunk_lines):
            start = start.read_to(chunk.end_offset, chunk.end_line)
            done = await self._commit(start, chunk.lines, chunk.first_line, found.path, exported)
            total = ChunkResult(total.bills + done.bills, total.emitted + done.emitted,
                                total.quarantined + done.quarantined)
        await self._commit(start.read_to(start.offset, start.line, done=True), [], 1, found.path, exported)
        self.last_file_at = exported
        log.info("export %s: %d lines parsed (the others as last read), %d events staged, %d lines quarantined",
                 found.path.name, total.bills, total.emitted, total.quarantined)

    async def _commit(self, position: FilePosition, lines: list[bytes], first_line: int, path: Path,
                      exported: datetime) -> ChunkResult:
        now = datetime.now(UTC)
        bills: list[tuple] = []
        refused: list[tuple[RefusedLine, bytes]] = []
        async with self.runtime.transaction() as tx:
            s = tx.session
            stored = await self.checkpoint.load(s, for_update=True)
            if stored != self.position:
                moved_from, self.position = self.position, stored
                raise CheckpointMovedError(f"export checkpoint moved from {moved_from} to {stored} by another instance")
            emitted = 0
            if lines:
                raw = (await (await s.connection()).get_raw_connection()).driver_connection
                hashes = [line_hash(line) for line in lines]
                await raw.execute(LINES)
                await raw.copy_records_to_table("pbb_lines", records=zip(range(first_line, first_line + len(lines)),
                                                                          hashes, strict=True))
                for (n,) in await raw.fetch(UNSEEN):
                    result = parse_line(n, lines[n - first_line])
                    if isinstance(result, RefusedLine):
                        refused.append((result, lines[n - first_line]))
                    elif result is not None:
                        bills.append((*result, hashes[n - first_line]))
            if bills:
                await raw.execute(STAGE)
                await raw.copy_records_to_table("pbb_stage", records=bills)
                await raw.execute(DIFF)
                rows = await raw.fetch("SELECT * FROM pbb_diff ORDER BY line")
                staged = self._events(rows, exported)
                tx.staged.extend(staged)
                emitted = len(staged)
                await raw.execute(UPSERT, now)
                if len(rows) < len({(b[1], b[2]) for b in bills}):  # some bills were re-read unchanged
                    await raw.execute(RELINE)
            if refused:
                kept = [self._quarantine(tx, path.name, reason, line, now) for reason, line in refused]
                await s.execute(tables.export_quarantine.insert(), kept)
            await self.checkpoint.save(s, position, now)
        self.position = position
        self.stats.rows_translated += len(bills)
        self.stats.rows_quarantined += len(refused)
        self.stats.events_emitted += emitted
        metric = self.runtime.metrics.bridge_rows
        metric.labels(app=self.app_id, outcome="translated").inc(len(bills))
        metric.labels(app=self.app_id, outcome="quarantined").inc(len(refused))
        return ChunkResult(len(bills), emitted, len(refused))

    def _events(self, rows, exported: datetime) -> list[dict]:
        """Outbox rows of the new/changed bills, in file order (pure: diff decides, render writes)."""
        out: list[dict] = []
        r = render.Renderer(self.app_id, current_traceparent())
        at, ce_time = render.iso(exported), exported.isoformat()
        for row in rows:
            nop, year, amount, due = row["nop"], row["year"], row["amount_due"], row["due_date"]
            known = None if row["old_amount"] is None else Known(row["old_amount"], row["old_due"], row["old_paid"])
            change = diff(known, Bill(row["line"], nop, year, amount, due, row["paid"], row["paid_on"]))
            paid = row["paid"] or (known is not None and known.paid)
            if change.issued:
                out.append(r.issued(nop, year, amount, due, paid, at, ce_time))
                continue
            if change.changed:
                out.append(r.changed(nop, year, amount, due, paid, change.changed, at, ce_time))
            if change.paid:
                paid_at = at if row["paid_on"] is None else render.iso(self._local_midnight(row["paid_on"]))
                out.append(r.paid(nop, year, amount, paid_at, ce_time))
        return out

    def _local_midnight(self, day) -> datetime:
        return datetime.combine(day, time(0), self.tz)

    def _quarantine(self, tx, file: str, refused: RefusedLine, raw: bytes, now: datetime) -> dict:
        """Publish the masked line with its reason; returns the quarantine row (the line as read) to keep."""
        named = line_fields(raw)
        source_id = f"{file}:{refused.line}"
        log.warning("export %s line %d quarantined: %s", file, refused.line, refused.reason)
        event = RowQuarantined(source_app=self.app_id, source_id=source_id, reason=refused.reason,
                               row=privacy.mask_fields(named), seen_at=now)
        tx.publish(Envelope(event, source=f"/apps/{self.app_id}", subject=f"{self.app_id}:{source_id}"))
        return {"file": file, "line": refused.line, "reason": refused.reason, "row": named, "seen_at": now}
