"""The polling loop: legacy rows → translate → outbox, position and last-emitted state in ONE transaction."""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintStatusChanged, ComplaintSubmitted, RowQuarantined
from palapa.kit.failures import RECORD_MAX_BYTES
from palapa.kit.loops import Backoff, Outage, pause
from palapa.kit.runtime import Runtime
from palapa.kit.uow import Transaction

from . import checkpoint, privacy, store
from .checkpoint import SourcePosition
from .legacy import LegacyReader
from .settings import BridgeCurhatSettings
from .translate import LastState, LegacyRow, Limits, Quarantine, as_utc, canonical_status, fingerprint, translate

log = logging.getLogger(__name__)

WINDOW_RECHECK_SECONDS = 5.0


class LegacyUnavailableError(RuntimeError):
    """The legacy database could not be read (down, network, credentials)."""


class CheckpointMovedError(RuntimeError):
    """Another bridge instance moved the checkpoint; this poll's work is discarded and redone."""


@dataclass
class Stats:
    """What the heartbeat reports: counters since start and the legacy side's health."""

    rows_translated: int = 0
    rows_quarantined: int = 0
    events_emitted: int = 0
    polls: int = 0
    legacy_reachable: bool = True


class Poller:
    """Reads tb_pengaduan incrementally and stages the resulting events in the bridge's outbox."""

    def __init__(self, runtime: Runtime, reader: LegacyReader, settings: BridgeCurhatSettings) -> None:
        self.runtime = runtime
        self.reader = reader
        self.settings = settings
        self.tz = settings.tz
        self.source = f"/apps/{settings.app_id}"
        self.position: SourcePosition | None = None
        self.stats = Stats()
        # id -> (tgl_update, legacy digest) of rows handled inside the lookback window: a window re-read
        # fetches only rows whose digest differs (whole-second timestamps cannot tell two versions apart)
        self.handled: dict[int, tuple[datetime, str]] = {}
        self._window_checked = 0.0
        self._catching_up = False
        self._pruned_at: datetime | None = None

    async def load_position(self) -> SourcePosition:
        """The stored checkpoint (creating the row on first start, so later polls can lock it)."""
        async with self.runtime.sessions() as s, s.begin():
            position = await checkpoint.load(s, self.settings.app_id, for_update=True)
            if position == SourcePosition():
                await checkpoint.save(s, self.settings.app_id, position, datetime.now(UTC))
        self.position = position
        return position

    async def poll_once(self) -> int:
        """One poll; returns how many rows it read beyond the position (a full batch means: poll again now)."""
        position = self.position or await self.load_position()
        started = time.time_ns()
        # While catching up a backlog the window is re-checked every WINDOW_RECHECK_SECONDS, not at every page
        # (a backfill's rows share a few seconds: each re-check reads them all); the window reaches that much
        # further back, so a row committed late is still inside it at the next re-check.
        window = not self._catching_up or time.monotonic() - self._window_checked >= WINDOW_RECHECK_SECONDS
        lookback = self.settings.lookback_seconds + WINDOW_RECHECK_SECONDS
        try:
            rows = await self.reader.scan(
                position, lookback, self.settings.batch_size, window=window,
                handled=self.handled,
            )
        except Exception as exc:  # any driver/network failure of the legacy side
            self.stats.legacy_reachable = False
            raise LegacyUnavailableError(str(exc) or type(exc).__name__) from exc
        self.stats.legacy_reachable = True
        self.stats.polls += 1
        if window:
            self._window_checked = time.monotonic()
        # A row stamped in the future (a '9999-12-31' typed in) is quarantined, and must not carry the position
        # past every later change; nor may one stamped '0001-01-01' leave it where the lookback overflows.
        # Such rows do not move the position: they are re-read, unchanged, while beyond it.
        earliest = datetime.combine(self.settings.earliest_date, datetime.min.time())
        horizon = datetime.now(self.tz).replace(tzinfo=None) + timedelta(hours=self.settings.future_hours)
        plausible = [r for r in rows if earliest <= r.tgl_update <= horizon]
        beyond = sum(1 for r in plausible if position.is_before(r.key))
        self._catching_up = beyond >= self.settings.batch_size
        new_position = position.advance(r.key for r in plausible)
        changed = rows  # _commit skips the unchanged ones under the checkpoint's lock
        if new_position == position:
            # only window rows re-read: look without the lock first, most polls end here
            async with self.runtime.sessions() as s:
                known = await store.last_states(s, [r.id_pengaduan for r in rows])
            changed = [r for r in rows if (st := known.get(r.id_pengaduan)) is None or st.fingerprint != fingerprint(r)]
            if not changed:
                self._remember(rows, new_position, lookback)
                return beyond
        # the span starts when the poll did, so the trace covers the legacy read as well
        with self.runtime.tracer.start_as_current_span("curhat poll", start_time=started) as span:
            span.set_attribute("curhat.rows_read", len(rows))
            emitted, quarantined, handled = await self._commit(position, new_position, changed)
            span.set_attribute("curhat.events", emitted)
            span.set_attribute("curhat.quarantined", quarantined)
            span.set_attribute("curhat.rows_changed", handled)
        self.position = new_position
        self._remember(rows, new_position, lookback)
        self.stats.rows_translated += handled - quarantined
        self.stats.rows_quarantined += quarantined
        rows_metric = self.runtime.metrics.bridge_rows
        rows_metric.labels(app=self.settings.app_id, outcome="translated").inc(handled - quarantined)
        rows_metric.labels(app=self.settings.app_id, outcome="quarantined").inc(quarantined)
        self.stats.events_emitted += emitted
        return beyond

    def _remember(self, rows: list[LegacyRow], position: SourcePosition, lookback: float) -> None:
        """Keep the keys of handled rows while they are inside the lookback window."""
        self.handled.update((r.id_pengaduan, (r.tgl_update, getattr(r, "digest", ""))) for r in rows)
        if position.ts is not None and position.ts != self._pruned_at:  # prune once per second of the position
            self._pruned_at = position.ts
            start = position.scan_start(lookback).ts
            self.handled = {i: v for i, v in self.handled.items() if v[0] >= start}

    async def _commit(
        self, position: SourcePosition, new_position: SourcePosition, rows: list[LegacyRow]
    ) -> tuple[int, int, int]:
        """Stage events/quarantines, row states and the position together; (events, quarantined, rows changed)."""
        now = datetime.now(UTC)
        emitted = quarantined = handled = 0
        states, quarantine_rows = [], []
        async with self.runtime.transaction() as tx:
            s = tx.session
            stored = await checkpoint.load(s, self.settings.app_id, for_update=True)
            if stored != position:
                self.position = stored
                raise CheckpointMovedError(f"checkpoint moved from {position} to {stored} by another instance")
            last = await store.last_states(s, [r.id_pengaduan for r in rows])
            for row in rows:
                prev = last.get(row.id_pengaduan)
                fp = fingerprint(row)
                if prev is not None and prev.fingerprint == fp:
                    continue
                handled += 1
                result = self._translate(row, prev)
                if isinstance(result, Quarantine):
                    quarantined += 1
                    self._quarantine(tx, row, result.reason, now, quarantine_rows)
                    status = prev.status if prev else None
                    states.append(store.state_row(row.id_pengaduan, status, row.status, fp, row.tgl_update,
                                                  result.reason, now))
                    last[row.id_pengaduan] = LastState(status, fp)
                    continue
                for event in result:
                    at = as_utc(row.tgl_update, self.tz)
                    tx.publish(Envelope(event, source=self.source, subject=event.ticket, time=at))
                    emitted += 1
                status = canonical_status(row.status)
                states.append(store.state_row(row.id_pengaduan, status.value if status else None, row.status, fp,
                                              row.tgl_update, None, now))
                # pages of one poll are separate reads: a row changed between them comes twice
                last[row.id_pengaduan] = LastState(status, fp)
            await store.save_states(s, states)
            await store.record_quarantine(s, quarantine_rows)
            await checkpoint.save(s, self.settings.app_id, new_position, now)
        return emitted, quarantined, handled

    def _limits(self) -> Limits:
        ahead = timedelta(hours=self.settings.future_hours)
        return Limits(earliest=self.settings.earliest_date, latest=datetime.now(UTC) + ahead, ahead=ahead,
                      max_event_bytes=RECORD_MAX_BYTES)

    def _translate(self, row: LegacyRow, prev: LastState | None) -> list[ComplaintSubmitted | ComplaintStatusChanged] | Quarantine:
        try:
            return translate(row, prev, self.tz, self.settings.app_id, self._limits())
        except Exception as exc:  # a bug must not stop the bridge: the row is kept in quarantine with the error
            # the frames without the message: an exception's text may quote a reporter's data
            log.error("translating tb_pengaduan %s failed: %s: %s\n%s", row.id_pengaduan, type(exc).__name__,
                      privacy.safe_text(str(exc), 300), "".join(traceback.format_tb(exc.__traceback__)))
            return Quarantine(privacy.safe_text(f"translate_error: {type(exc).__name__}: {exc}", 500))

    def _quarantine(self, tx: Transaction, row: LegacyRow, reason: str, now: datetime, out: list[dict]) -> None:
        # the reason and the row leave the bridge's database masked; the quarantine table keeps the raw row
        reason = privacy.safe_text(reason)  # translate's reasons quote masked values already: a second guard
        log.warning("tb_pengaduan %s quarantined: %s", row.id_pengaduan, reason)
        event = RowQuarantined(
            source_app=self.settings.app_id, source_id=str(row.id_pengaduan), reason=reason,
            row=privacy.mask_row(row.as_strings()), seen_at=now,
        )
        tx.publish(Envelope(event, source=self.source, subject=f"{self.settings.app_id}:{row.id_pengaduan}"))
        out.append({"source_id": row.id_pengaduan, "reason": reason, "row": row.as_strings(),
                    "legacy_updated_at": row.tgl_update, "seen_at": now})

    async def run(self, stopping: asyncio.Event) -> None:
        """Poll until `stopping` is set; failures are logged once per outage and retried with backoff, never fatal."""
        interval = self.settings.poll_interval_seconds
        backoff = Backoff(first=interval, cap=5.0)
        legacy_down = Outage("legacy database", log)
        # the bridge's own database away: nothing committed, the poll is redone
        polls_failing = Outage("poll", log)
        while not stopping.is_set():
            delay = interval
            try:
                beyond = await self.poll_once()
            except LegacyUnavailableError as exc:
                legacy_down.failed(exc)
                delay = backoff.next()
            except CheckpointMovedError as exc:
                log.warning("%s", exc)
            except Exception as exc:  # logged and retried: the bridge must not stop
                polls_failing.failed(exc)
                delay = backoff.next()
            else:
                legacy_down.recovered()
                polls_failing.recovered()
                backoff.reset()
                if beyond >= self.settings.batch_size:
                    continue  # more rows waiting: read on at once
            await pause(stopping, delay)
