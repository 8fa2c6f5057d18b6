"""The polling loop: legacy rows → translate → outbox, position and last-emitted state in ONE transaction."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintStatusChanged, ComplaintSubmitted, RowQuarantined
from palapa.kit.loops import Backoff, Outage, pause
from palapa.kit.runtime import Runtime

from . import checkpoint, store
from .checkpoint import SourcePosition
from .legacy import LegacyReader
from .settings import BridgeCurhatSettings
from .translate import LastState, LegacyRow, Quarantine, as_utc, canonical_status, fingerprint, translate

log = logging.getLogger(__name__)


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
        try:
            rows = await self.reader.scan(position, self.settings.lookback_seconds, self.settings.batch_size)
        except Exception as exc:  # any driver/network failure of the legacy side
            self.stats.legacy_reachable = False
            raise LegacyUnavailableError(str(exc) or type(exc).__name__) from exc
        self.stats.legacy_reachable = True
        self.stats.polls += 1
        beyond = sum(1 for r in rows if position.is_before(r.key))
        new_position = position.advance(r.key for r in rows)
        async with self.runtime.sessions() as s:
            known = await store.last_states(s, [r.id_pengaduan for r in rows])
        changed = [r for r in rows if (st := known.get(r.id_pengaduan)) is None or st.fingerprint != fingerprint(r)]
        if not changed and new_position == position:
            return beyond  # only re-read rows of the lookback window, all unchanged
        # the span starts when the poll did, so the trace covers the legacy read as well
        with self.runtime.tracer.start_as_current_span("curhat poll", start_time=started) as span:
            span.set_attribute("curhat.rows_read", len(rows))
            span.set_attribute("curhat.rows_changed", len(changed))
            emitted, quarantined = await self._commit(position, new_position, changed)
            span.set_attribute("curhat.events", emitted)
            span.set_attribute("curhat.quarantined", quarantined)
        self.runtime.outbox.wake()
        self.position = new_position
        self.stats.rows_translated += len(changed) - quarantined
        self.stats.rows_quarantined += quarantined
        self.stats.events_emitted += emitted
        return beyond

    async def _commit(self, position: SourcePosition, new_position: SourcePosition, rows: list[LegacyRow]) -> tuple[int, int]:
        """Stage events/quarantines, row states and the position together; (events, quarantined)."""
        now = datetime.now(UTC)
        emitted = quarantined = 0
        states, quarantine_rows = [], []
        async with self.runtime.sessions() as s, s.begin():
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
                result = self._translate(row, prev)
                if isinstance(result, Quarantine):
                    quarantined += 1
                    await self._quarantine(s, row, result.reason, now, quarantine_rows)
                    status = prev.status if prev else None
                    states.append(store.state_row(row.id_pengaduan, status, row.status, fp, row.tgl_update,
                                                  result.reason, now))
                    last[row.id_pengaduan] = LastState(status, fp)
                    continue
                for event in result:
                    at = as_utc(row.tgl_update, self.tz)
                    await self.runtime.outbox.add(s, Envelope(event, source=self.source, subject=event.ticket, time=at))
                    emitted += 1
                status = canonical_status(row.status)
                states.append(store.state_row(row.id_pengaduan, status.value if status else None, row.status, fp,
                                              row.tgl_update, None, now))
                # pages of one poll are separate reads: a row changed between them comes twice
                last[row.id_pengaduan] = LastState(status, fp)
            await store.save_states(s, states)
            await store.record_quarantine(s, quarantine_rows)
            await checkpoint.save(s, self.settings.app_id, new_position, now)
        return emitted, quarantined

    def _translate(self, row: LegacyRow, prev: LastState | None) -> list[ComplaintSubmitted | ComplaintStatusChanged] | Quarantine:
        try:
            return translate(row, prev, self.tz, self.settings.app_id)
        except Exception as exc:  # a bug must not stop the bridge: the row is kept in quarantine with the error
            log.exception("translating tb_pengaduan %s failed", row.id_pengaduan)
            return Quarantine(f"translate_error: {type(exc).__name__}: {exc}")

    async def _quarantine(self, session, row: LegacyRow, reason: str, now: datetime, out: list[dict]) -> None:
        log.warning("tb_pengaduan %s quarantined: %s", row.id_pengaduan, reason)
        event = RowQuarantined(
            source_app=self.settings.app_id, source_id=str(row.id_pengaduan), reason=reason,
            row=row.as_strings(), seen_at=now,
        )
        await self.runtime.outbox.add(
            session, Envelope(event, source=self.source, subject=f"{self.settings.app_id}:{row.id_pengaduan}")
        )
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
