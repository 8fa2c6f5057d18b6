"""The seam of every bridge: `ingest(records, next_position)` stages the events, row states, quarantines and
the new position in ONE transaction, under the checkpoint's row lock (compare-and-set). Pull and push sources alike."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import Event, RowQuarantined
from palapa.contracts.topics import topic_for
from palapa.kit.runtime import Runtime
from palapa.kit.uow import Transaction

from .checkpoint import Checkpoint, Position
from .masking import safe_text
from .protocol import Deferred, LastState, Quarantine, SourceRecord, Translate, Translated
from .state import RowStates

log = logging.getLogger(__name__)


class CheckpointMovedError(RuntimeError):
    """Another bridge instance moved the position in the checkpoint; this batch's work is discarded and redone."""


def quarantine_key(settings: Any) -> bytes:
    """The bridge settings' quarantine key (the development default for settings without one)."""
    from .settings import DEV_QUARANTINE_KEY

    key = getattr(settings, "quarantine_key", None)
    return (key.get_secret_value() if key is not None else DEV_QUARANTINE_KEY).encode()


def source_key(key: bytes, app_id: str, source_id: str) -> str:
    """HMAC-SHA256 of '<app>:<source id>': finds a quarantined row again, and tells nothing without the key."""
    return hmac.new(key, f"{app_id}:{source_id}".encode(), hashlib.sha256).hexdigest()


def subject_of(event: Event) -> str:
    """The event's key on its topic: the field the registry names (ticket, nop, camera_id)."""
    return str(getattr(event, topic_for(event).key))


def unchanged(record: SourceRecord, prev: LastState | None) -> bool:
    """Nothing to do for this record: the same fingerprint as handled, or (ordered) an older version."""
    if prev is None:
        return False
    if prev.fingerprint == record.fingerprint:
        return True
    if not record.ordered or prev.changed_at is None:
        return False
    try:
        return record.changed_at < prev.changed_at
    except TypeError:  # naive against aware: no order known, the record is handled
        return False


def handled_time(record: SourceRecord, prev: LastState | None) -> datetime:
    """The version time row_state keeps for a quarantined record. An ordered source's refused version must not
    count as handled: its time (a typo far in the future) would make every later real version look older and be
    skipped; the last handled version's time stays (none: the earliest time there is)."""
    if not record.ordered:
        return record.changed_at
    return prev.changed_at if prev is not None and prev.changed_at is not None else datetime(1, 1, 1)


#: a bridge keeping its own view of the source updates it here, in the ingest's transaction
AlsoStage = Callable[[Transaction, list[tuple[SourceRecord, Translated]]], Awaitable[None]]


@dataclass
class Stats:
    """What the heartbeat reports: counters since start and the source's health."""

    rows_read: int = 0  # every row read ends as exactly one of the three below
    rows_translated: int = 0
    rows_quarantined: int = 0
    rows_unchanged: int = 0  # skipped: the same fingerprint as handled (or an older version of a push source)
    events_emitted: int = 0
    polls: int = 0
    legacy_reachable: bool = True
    last_poll_at: float | None = None  # unix time of the last poll that read the source (/metrics)
    lag_seconds: float | None = None  # as the last heartbeat worked it out (/metrics)
    # rows whose source state differed from what the bridge last emitted, at the last sweep (None: no sweep yet)
    legacy_mismatches: int | None = None
    sweeps: int = 0  # digest sweep passes completed since start
    last_sweep: Any = None  # the last pass's sweep.Swept: rows, seconds, CPU, the source's share
    last_sweep_at: datetime | None = None  # when the last whole pass ended (its mismatches are legacy_mismatches)

    def __setattr__(self, name: str, value: Any) -> None:
        # every adapter counts its polls (`stats.polls += 1`): the time comes along, with no call to forget
        if name == "polls" and value:
            object.__setattr__(self, "last_poll_at", time.time())
        object.__setattr__(self, name, value)


@dataclass(frozen=True)
class Ingested:
    emitted: int
    quarantined: int
    handled: int  # translated or quarantined
    unchanged: int = 0  # skipped: the same fingerprint, an older version, or deferred to the source's order


@dataclass
class Bridge:
    """One bridge's ingest: `what` names the source's rows in logs ('tb_pengaduan'), `mask_row` masks a quarantined
    row."""

    runtime: Runtime
    app_id: str
    checkpoint: Checkpoint
    states: RowStates
    translate: Translate
    mask_row: Callable[[dict[str, str | None]], dict[str, str | None]]
    what: str
    position: Position = None
    stats: Stats = field(default_factory=Stats)
    also_stage: AlsoStage | None = None  # e.g. bridge-pbb marks a bill paid with its TaxBillPaid

    def __post_init__(self) -> None:
        from .metrics import expose  # lag, last poll, polls, events, reachability per app on /metrics

        expose(self)

    @property
    def source(self) -> str:
        return f"/apps/{self.app_id}"

    def source_key(self, source_id: str) -> str:
        """The keyed hash (HMAC-SHA256) by which a quarantined row of this app is found again."""
        return source_key(quarantine_key(self.runtime.settings), self.app_id, source_id)

    async def load_position(self) -> Position:
        """The stored position (creating the checkpoint row on first start, so later batches can lock it)."""
        async with self.runtime.sessions() as s, s.begin():
            position = await self.checkpoint.load(s, for_update=True)
            if position == self.checkpoint.start:
                await self.checkpoint.save(s, position, datetime.now(UTC))
        self.position = position
        return position

    async def changed(self, records: list[SourceRecord]) -> list[SourceRecord]:
        """The records whose fingerprint differs from the stored one (a look without the lock)."""
        async with self.runtime.sessions() as s:
            known = await self.states.last(s, [r.source_id for r in records])
        return [r for r in records if not unchanged(r, known.get(r.source_id))]

    async def ingest(self, records: list[SourceRecord], next_position: Position, *,
                     read_from: Position = None) -> Ingested:
        """Stage events/quarantines, row states and `next_position` together; unchanged records are skipped.

        `read_from`: the position the records were read from (default: the bridge's). A rewind in between
        (replay.rewind) makes it differ from the stored one: the batch is refused and read again.
        """
        position = read_from if read_from is not None else (
            self.position if self.position is not None else await self.load_position())
        now = datetime.now(UTC)
        emitted = quarantined = handled = skipped = 0
        states, quarantine_rows, translated = [], [], []
        async with self.runtime.transaction() as tx:
            s = tx.session
            stored = await self.checkpoint.load(s, for_update=True)
            if stored != position:
                self.position = stored
                raise CheckpointMovedError(f"checkpoint moved from {position} to {stored} by another instance")
            last = await self.states.last(s, [r.source_id for r in records])
            for record in records:
                prev = last.get(record.source_id)
                fp = record.fingerprint
                if unchanged(record, prev):
                    skipped += 1
                    continue
                result = self._translate(record, prev)
                if isinstance(result, Deferred):  # left to the source's own order: counted unchanged, not stored
                    log.debug("%s %s deferred: %s", self.what, record.source_id, result.reason)
                    skipped += 1
                    continue
                handled += 1
                if isinstance(result, Quarantine):
                    quarantined += 1
                    self._quarantine(tx, record, result.reason, now, quarantine_rows)
                    status = prev.status if prev else None
                    at = handled_time(record, prev)
                    states.append(self.states.row(record.source_id, status, record.status, fp, at, result.reason, now))
                    last[record.source_id] = LastState(status, fp, at)
                    continue
                for event in result.events:
                    tx.publish(Envelope(event, source=self.source, subject=result.subject or subject_of(event),
                                        time=result.time))
                    emitted += 1
                translated.append((record, result))
                states.append(self.states.row(record.source_id, result.status, record.status, fp,
                                              record.changed_at, None, now))
                # pages of one poll are separate reads: a row changed between them comes twice
                last[record.source_id] = LastState(result.status, fp, record.changed_at)
            await self.states.save(s, states)
            await self.states.quarantine(s, quarantine_rows)
            if self.also_stage is not None and translated:
                await self.also_stage(tx, translated)
            if next_position != stored:  # a push (webhook) leaves the position: one write less on its fast path
                await self.checkpoint.save(s, next_position, now)
        self.position = next_position
        self.count_read(len(records))
        done = Ingested(emitted, quarantined, handled, skipped)
        self._count(done)
        return done

    def count_read(self, rows: int) -> None:
        """Rows read from the source: each ends translated, quarantined or unchanged, and is counted there."""
        self.stats.rows_read += rows

    def count_unchanged(self, rows: int) -> None:
        """Rows skipped as unchanged by fingerprint: counted per app and logged, never dropped unseen."""
        if rows:
            self.stats.rows_unchanged += rows
            self.runtime.metrics.bridge_rows.labels(app=self.app_id, outcome="unchanged").inc(rows)
            log.debug("%d %s rows unchanged since handled (same fingerprint): skipped", rows, self.what)

    def _count(self, done: Ingested) -> None:
        self.stats.rows_translated += done.handled - done.quarantined
        self.stats.rows_quarantined += done.quarantined
        self.stats.events_emitted += done.emitted
        rows_metric = self.runtime.metrics.bridge_rows
        rows_metric.labels(app=self.app_id, outcome="translated").inc(done.handled - done.quarantined)
        rows_metric.labels(app=self.app_id, outcome="quarantined").inc(done.quarantined)
        self.count_unchanged(done.unchanged)

    def _translate(self, record: SourceRecord, prev: LastState | None) -> Translated | Quarantine | Deferred:
        try:
            return self.translate(record, prev)
        except Exception as exc:  # a bug must not stop the bridge: the row is kept in quarantine with the error
            # the frames without the message: an exception's text may quote a reporter's data
            log.error("translating %s %s failed: %s: %s\n%s", self.what, record.source_id, type(exc).__name__,
                      safe_text(str(exc), 300), "".join(traceback.format_tb(exc.__traceback__)))
            return Quarantine(safe_text(f"translate_error: {type(exc).__name__}: {exc}", 500))

    def _quarantine(self, tx: Transaction, record: SourceRecord, reason: str, now: datetime, out: list[dict]) -> None:
        # the reason and the row leave the bridge's database masked; the quarantine table keeps the raw row
        reason = safe_text(reason)  # translations quote masked values already: a second guard
        log.warning("%s %s quarantined: %s", self.what, record.source_id, reason)
        event = RowQuarantined(
            source_app=self.app_id, source_id=record.source_id, reason=reason,
            row=self.mask_row(record.row), seen_at=now,
        )
        tx.publish(Envelope(event, source=self.source, subject=f"{self.app_id}:{record.source_id}"))
        # the quarantine table keeps the masked row too, and a keyed hash to find it again (no identity in clear)
        out.append(self.states.quarantine_row(record.source_id, reason, event.row, record.changed_at, now,
                                              self.source_key(record.source_id)))
