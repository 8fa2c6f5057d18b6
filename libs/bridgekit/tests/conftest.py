"""A bridge on the kit alone: a Runtime on a fresh database (no broker: ingest only stages into the outbox),
the kit's tables made by create_all in a schema of the test's own, and a translation a test can steer."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy import BigInteger, MetaData, String, select, text

from palapa.bridgekit import sqlpoll
from palapa.bridgekit.checkpoint import Checkpoint
from palapa.bridgekit.ingest import Bridge, Quarantine, SourceRecord, Translated
from palapa.bridgekit.masking import mask_text
from palapa.bridgekit.state import LastState, RowStates
from palapa.bridgekit.tables import bridge_tables
from palapa.contracts.envelope import from_kafka
from palapa.contracts.events import QueueTicketCalled
from palapa.kit.runtime import Runtime
from palapa.kit.settings import ServiceSettings

CALLED = datetime(2026, 11, 26, 1, 15, tzinfo=UTC)


@dataclass(frozen=True)
class Row:
    """A source row as a SQL reader hands it over: key (change time, id), digest, and the values."""

    id: int
    ts: datetime
    status: str = "1"
    nomor: str = "A-001"

    @property
    def key(self) -> tuple[datetime, int]:
        return self.ts, self.id

    @property
    def digest(self) -> str:
        return hashlib.md5(json.dumps([self.id, self.ts.isoformat(), self.status, self.nomor]).encode()).hexdigest()


def record(row: Row) -> SourceRecord:
    return SourceRecord(source_id=str(row.id), fingerprint=row.digest, status=row.status, changed_at=row.ts,
                        row={"id": str(row.id), "status": row.status, "nomor": row.nomor, "nik": "3576012345670002"},
                        item=row)


def translate(rec: SourceRecord, last: LastState | None) -> Translated | Quarantine:
    """Status '1' = called (one QueueTicketCalled per call), 'X' = unknown, 'boom' = a bug in the translation."""
    row: Row = rec.item
    if row.status == "boom":
        raise RuntimeError("bug while reading NIK 3576012345670002")
    if row.status not in {"0", "1"}:
        return Quarantine(f"unknown_status: {row.status!r}")
    if row.status != "1" or (last is not None and last.status == "1"):
        return Translated([], row.status)
    event = QueueTicketCalled(ticket=f"PKM-{row.id}", source_app="kit-test", source_ref=str(row.id),
                              facility="Puskesmas Gedongan", queue_number=row.nomor, called_at=CALLED)
    return Translated([event], row.status, CALLED)


@dataclass
class Kit:
    runtime: Runtime
    metadata: MetaData
    tables: object
    made: list[Bridge] = field(default_factory=list)

    def bridge(self, app_id: str = "kit-test", translation=translate) -> Bridge:
        cp = Checkpoint(self.tables.checkpoint, app_id, sqlpoll.TimestampPosition(), sqlpoll.encode, sqlpoll.decode)
        states = RowStates(self.tables, app_id if "app_id" in self.tables.row_state.c else None)
        b = Bridge(self.runtime, app_id, cp, states, translation,
                   lambda row: {k: mask_text(v) for k, v in row.items()}, "antrian")
        self.made.append(b)
        return b

    async def outbox(self) -> list:
        """The staged events, parsed, in order."""
        t = self.runtime.outbox.table
        async with self.runtime.sessions() as s:
            rows = (await s.execute(select(t.c.key, t.c.value, t.c.headers).order_by(t.c.id))).all()
        return [from_kafka(r.key, r.value, r.headers) for r in rows]

    async def rows(self, table) -> list:
        async with self.runtime.sessions() as s:
            return [r._mapping for r in (await s.execute(select(table)))]


async def _kit(database_url: str, app_scoped: bool):
    metadata = MetaData(schema="kit_test")
    tables = bridge_tables(metadata, sqlpoll.position_columns(), String(64) if app_scoped else BigInteger,
                           app_scoped=app_scoped)
    settings = ServiceSettings(DATABASE_URL=database_url, KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:9")
    runtime = Runtime(settings, "kit-test", metadata)
    async with runtime.engine.begin() as conn:
        await conn.execute(text("CREATE SCHEMA kit_test"))
        await conn.run_sync(metadata.create_all)
    return Kit(runtime, metadata, tables)


@pytest.fixture
async def kit(database_url):
    k = await _kit(database_url, app_scoped=False)
    yield k
    await k.runtime.engine.dispose()
    k.runtime.provider.shutdown()


@pytest.fixture
async def scoped_kit(database_url):
    """Tables shared by several apps (bridge_tables(app_scoped=True)), as bridge-mapped has them."""
    k = await _kit(database_url, app_scoped=True)
    yield k
    await k.runtime.engine.dispose()
    k.runtime.provider.shutdown()


@pytest.fixture
def fake():
    """The fake source's pieces (tests cannot import conftest under --import-mode=importlib)."""
    from types import SimpleNamespace

    return SimpleNamespace(Row=Row, record=record, translate=translate, CALLED=CALLED)
