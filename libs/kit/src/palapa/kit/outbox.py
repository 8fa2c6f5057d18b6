"""Transactional outbox: the row and its event commit together; a relay publishes afterwards.

A broker outage leaves rows unpublished; the relay retries with backoff and resumes in order when the
broker is back (at-least-once). A row the broker refuses for good is parked with the reason and holds
back only the later rows of its key. Replicas of a service share one outbox: a PostgreSQL advisory lock
lets one relay send at a time, so rows are neither sent twice nor reordered by two relays racing.
When the broker turns out to be a new incarnation (restarted empty), the rows published within
`keep_published` are sent again, in id order; consumers are idempotent.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from opentelemetry import trace
from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from palapa.contracts.envelope import Envelope
from palapa.contracts.topics import ALL_TOPICS, topic_for

from . import outbox_relay
from .failures import check_record_size, is_transient
from .incarnation import BrokerIdentity
from .loops import Backoff, Outage, pause
from .metrics import Metrics
from .tables import broker_incarnations_table, outbox_table  # noqa: F401  (re-exported)
from .telemetry import current_traceparent
from .topics import ensure_topics

log = logging.getLogger(__name__)

REGISTRY = {t.name: t for t in ALL_TOPICS}
#: from this many rows on, a transaction's outbox rows are written by COPY
COPY_FROM = 500
COPY_COLUMNS = ("event_id", "topic", "key", "value", "headers", "trace", "created_at")


class Outbox:
    """Adds events to the outbox inside the caller's transaction, and relays them to Kafka."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.incarnations = broker_incarnations_table(table.metadata)
        # one lock per outbox table, the same number in every replica
        digest = hashlib.blake2b(f"palapa.outbox:{table.fullname}".encode(), digest_size=8).digest()
        self.lock_key = int.from_bytes(digest, "big", signed=True)
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._next_check = 0.0
        self._singly = False  # a record batch was refused for good: relay the next batch record by record
        # the incarnations last read from or written to the table: while the broker answers the same, the
        # check before each batch needs no database round trip (topic ids never come back once replaced)
        self._known: dict[str, str] | None = None
        self._pending_known: dict[str, str] | None = None  # becomes _known once its transaction committed

    @staticmethod
    def row(envelope: Envelope, trace_context: dict[str, str] | None = None, topic: str | None = None) -> dict:
        """The outbox row of one event, under `trace_context` (the W3C context of what caused it; the current
        one by default); refuses (RecordTooLargeError) what no broker of the platform takes."""
        key, value, headers = envelope.to_kafka()
        check_record_size(key, value, headers)
        return {
            "event_id": envelope.id, "topic": topic or topic_for(envelope.data).name, "key": key, "value": value,
            "headers": headers, "trace": current_traceparent() if trace_context is None else trace_context,
            "created_at": datetime.now(UTC),
        }

    async def add(self, session: AsyncSession, envelope: Envelope, topic: str | None = None) -> None:
        """Stage one event in the caller's transaction (the caller commits)."""
        await session.execute(self.table.insert().values(**self.row(envelope, topic=topic)))

    async def add_many(self, session: AsyncSession, envelopes: Iterable[Envelope]) -> int:
        """Stage many events in the caller's transaction; all are checked before any is staged."""
        rows = [self.row(envelope) for envelope in envelopes]
        await self.stage(session, rows)
        return len(rows)

    async def stage(self, session: AsyncSession, rows: Sequence[dict]) -> None:
        """Stage rows made by `row` in the caller's transaction: one cached INSERT, sent as multi-row
        statements by SQLAlchemy's insertmanyvalues (a new multi-VALUES statement per batch would be
        compiled each time: a fifth of a consumer's time, profiled); from COPY_FROM rows on, by COPY."""
        if len(rows) >= COPY_FROM:
            await self.copy(session, rows)
        elif rows:
            await session.execute(self.table.insert(), list(rows))

    async def copy(self, session: AsyncSession, rows: Sequence[dict]) -> None:
        """Stage many rows with PostgreSQL's COPY on the session's own connection (same transaction): ~10×
        executemany, for bulk producers such as a bridge announcing a full export (bench pbb)."""
        conn = await session.connection()
        raw = (await conn.get_raw_connection()).driver_connection
        dumps, traces = json.dumps, {}
        # a bulk producer may give the headers' JSON ready ("headers_json"); rows of one cause share one trace
        await raw.copy_records_to_table(
            self.table.name, schema_name=self.table.schema, columns=COPY_COLUMNS,
            records=[(r["event_id"], r["topic"], r["key"], r["value"], r.get("headers_json") or dumps(r["headers"]),
                      traces.get(id(r["trace"])) or traces.setdefault(id(r["trace"]), dumps(r["trace"])),
                      r["created_at"]) for r in rows],
        )

    def stop(self) -> None:
        """Ask the relay to finish the batch in flight (so it is marked, not re-sent after a restart) and end."""
        self._stop.set()
        self._wake.set()

    def wake(self) -> None:
        """Tell the relay that a transaction with outbox rows just committed."""
        self._wake.set()

    async def relay(
        self, engine: AsyncEngine, publish, tracer: trace.Tracer, *, batch: int = 1000, poll_s: float = 0.5,
        keep_published: timedelta = timedelta(days=1), metrics: Metrics | None = None,
        identity: BrokerIdentity | None = None, publish_many=None,
    ) -> None:
        """Publish unpublished rows until stopped, in id order; `publish(topic, key, value, headers)` sends one
        and returns a delivery future; `publish_many(rows)`, when given, sends a whole batch as record batches
        (outbox_batch.send_batched) whenever no span per row is recorded. Published rows are pruned after
        `keep_published`."""
        backoff, outage = Backoff(), Outage(f"outbox relay of {self.table.fullname}", log)
        last_prune = last_gauges = 0.0
        while not self._stop.is_set():
            try:
                sent = await self.relay_once(engine, publish, tracer, batch=batch, metrics=metrics,
                                             identity=identity, keep_published=keep_published,
                                             publish_many=publish_many)
                outage.recovered()
                backoff.reset()
                if time.monotonic() - last_prune > 60:
                    await self.prune(engine, keep_published)
                    last_prune = time.monotonic()
                # counting a large backlog takes a while: at most once a second
                if metrics is not None and time.monotonic() - last_gauges > 1:
                    await self.gauges(engine, metrics)
                    last_gauges = time.monotonic()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker or database away (or a bug): keep the rows, retry later
                if metrics is not None:
                    metrics.relay_errors.inc()
                if outage.failed(exc) and not is_transient(exc):
                    log.error("outbox relay failed on something retrying may not mend", exc_info=exc)
                self._next_check = 0.0  # after an outage, look at the broker's incarnation first
                await pause(self._stop, backoff.next())
                continue
            if sent < batch and not self._stop.is_set():
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=poll_s)
                except TimeoutError:
                    pass
                self._wake.clear()

    async def relay_once(
        self, engine: AsyncEngine, publish, tracer: trace.Tracer, *, batch: int = 500, metrics: Metrics | None = None,
        identity: BrokerIdentity | None = None, keep_published: timedelta = timedelta(days=1), publish_many=None,
    ) -> int:
        """Send one batch without waiting for each acknowledgement (the producer keeps per-partition order),
        then mark and park in one statement each. Returns the rows handled (0 while another replica's relay
        holds the lock: this one stands by and tries again on its next wake or poll). A failure worth retrying
        is raised once what was acknowledged is marked."""
        t = self.table
        sent, self._pending_known = None, None
        # the lock lives as long as this transaction: released on commit, or when a crashed relay's
        # connection closes, so a standby replica takes over
        async with engine.begin() as conn:
            if not await conn.scalar(select(func.pg_try_advisory_xact_lock(self.lock_key))):
                return 0
            rows = (await conn.execute(outbox_relay.pending(t, batch))).all()
            # look at the broker's incarnations before each batch (one metadata round trip, ~1 ms, so nothing
            # goes to a broker restarted empty before the window is re-sent), and every second when idle
            if identity is not None and (rows or time.monotonic() >= self._next_check):
                reset = await self.follow_incarnations(conn, identity, keep_published, {r.topic for r in rows})
                self._next_check = time.monotonic() + 1.0
                if reset:
                    if metrics is not None:
                        metrics.republished.inc(reset)
                    rows = (await conn.execute(outbox_relay.pending(t, batch))).all()  # the window comes first
            if rows:
                if publish_many is not None and not self._singly and not outbox_relay.records_spans(tracer):
                    sent, self._singly = await publish_many(rows)
                else:
                    sent, self._singly = await outbox_relay.send(rows, publish, tracer), False
                await outbox_relay.record(conn, t, sent)
        if self._pending_known is not None:  # the incarnations it recorded are committed
            self._known, self._pending_known = self._pending_known, None
        if sent is None:
            return 0
        if metrics is not None:
            metrics.outbox_published.inc(len(sent.published))
        if sent.transient is not None:
            raise sent.transient
        return len(rows)

    async def follow_incarnations(
        self, conn: AsyncConnection, identity: BrokerIdentity, keep: timedelta, sending: set[str] = frozenset()
    ) -> int:
        """Compare the broker's incarnation of each topic published to before (and of those about to be sent)
        with the one recorded; for each topic that is new, mark its rows published within `keep` unpublished
        again (sent anew in id order). Returns their count."""
        inc, t = self.incarnations, self.table
        if self._known is not None and set(sending) <= set(self._known):
            if self._known and await identity.incarnations(sorted(self._known)) == self._known:
                return 0
        known = dict((await conn.execute(select(inc.c.topic, inc.c.incarnation))).all())
        topics = sorted({*known, *sending})
        if not topics:
            self._known = {}
            return 0
        now_seen = await identity.incarnations(topics)
        missing = [REGISTRY[n] for n, i in now_seen.items() if i is None and n in REGISTRY]
        if missing:  # an empty broker: create them as the registry says, not with the broker's defaults
            await ensure_topics(identity.bootstrap, tuple(missing), timeout_s=5, security=identity.security)
            now_seen = await identity.incarnations(topics)
        reset = 0
        for topic, incarnation in now_seen.items():
            if incarnation is None or known.get(topic) == incarnation:
                continue
            if topic in known:
                result = await conn.execute(
                    update(t).where(t.c.topic == topic, t.c.published_at >= datetime.now(UTC) - keep)
                    .values(published_at=None)
                )
                reset += result.rowcount
                log.warning("broker holds a new incarnation of %s (%s, was %s): %d rows published within %s "
                            "will be sent again", topic, incarnation, known[topic], result.rowcount, keep)
            await conn.execute(
                pg_insert(inc).values(topic=topic, incarnation=incarnation, seen_at=datetime.now(UTC))
                .on_conflict_do_update(index_elements=[inc.c.topic],
                                       set_={"incarnation": incarnation, "seen_at": datetime.now(UTC)})
            )
        # cached only once the transaction holding these writes commits: a failed batch reads the table again
        self._known = None
        self._pending_known = {**known, **{k: v for k, v in now_seen.items() if v is not None}}
        return reset

    async def gauges(self, engine: AsyncEngine, metrics: Metrics) -> None:
        """Set the backlog and parked gauges (both counted through the outbox's partial indexes)."""
        t = self.table
        async with engine.connect() as conn:
            backlog = await conn.scalar(
                select(func.count()).select_from(t).where(t.c.published_at.is_(None), t.c.parked_at.is_(None)))
            parked = await conn.scalar(
                select(func.count()).select_from(t).where(t.c.published_at.is_(None), t.c.parked_at.is_not(None)))
        metrics.outbox_backlog.set(backlog)
        metrics.outbox_parked.set(parked)

    async def prune(self, engine: AsyncEngine, keep: timedelta) -> None:
        t = self.table
        async with engine.begin() as conn:
            await conn.execute(delete(t).where(t.c.published_at < datetime.now(UTC) - keep))
