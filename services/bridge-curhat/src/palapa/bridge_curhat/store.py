"""bridge-curhat's own tables in schema `bridge_curhat` (the kit adds outbox/inbox to this metadata)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import JSON, BigInteger, Column, DateTime, Identity, MetaData, String, Table, Text, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.events import ComplaintStatus

from .privacy import printable
from .translate import LastState

# its Alembic revisions: ./migrations (README: "Schema migrations")
metadata = MetaData(schema="bridge_curhat", info={"migrations": Path(__file__).with_name("migrations")})

checkpoint = Table(
    "checkpoint",
    metadata,
    Column("app_id", String(64), primary_key=True),
    Column("cursor_ts", DateTime(timezone=False), nullable=True),  # legacy local time, as read
    Column("cursor_id", BigInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# the last state handled per source row: what was emitted, and the digest of the row as it was read
row_state = Table(
    "row_state",
    metadata,
    Column("source_id", BigInteger, primary_key=True),
    Column("status", String(20), nullable=True),  # canonical status last emitted; NULL if never emitted
    Column("legacy_status", String(20), nullable=True),
    Column("fingerprint", String(64), nullable=False),
    Column("legacy_updated_at", DateTime(timezone=False), nullable=False),
    Column("quarantine_reason", Text, nullable=True),  # set while the row's current form is quarantined
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("source_id", BigInteger, nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("row", JSON, nullable=False),
    Column("legacy_updated_at", DateTime(timezone=False), nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)


async def last_states(session: AsyncSession, source_ids: list[int]) -> dict[int, LastState]:
    """The last state of each of these source rows that the bridge has handled before."""
    if not source_ids:
        return {}
    t = row_state
    rows = await session.execute(select(t.c.source_id, t.c.status, t.c.fingerprint).where(t.c.source_id.in_(source_ids)))
    return {r.source_id: LastState(ComplaintStatus(r.status) if r.status else None, r.fingerprint) for r in rows}


async def save_states(session: AsyncSession, states: list[dict]) -> None:
    """Upsert row_state rows (one per source id) in the caller's transaction."""
    if not states:
        return
    # ON CONFLICT cannot touch a row twice in one batch: the last state of a source id wins
    states = list({st["source_id"]: st for st in states}.values())
    stmt = insert(row_state)
    cols = ("status", "legacy_status", "fingerprint", "legacy_updated_at", "quarantine_reason", "updated_at")
    await session.execute(
        stmt.on_conflict_do_update(index_elements=[row_state.c.source_id], set_={c: stmt.excluded[c] for c in cols}),
        states,
    )


async def record_quarantine(session: AsyncSession, rows: list[dict]) -> None:
    if rows:
        await session.execute(quarantine.insert(), rows)


def state_row(source_id: int, status: str | None, legacy_status: str, fp: str, legacy_at: datetime,
              reason: str | None, now: datetime) -> dict:
    # a quarantined row's status may be anything (oversized, a NUL): the column keeps what it can hold
    legacy_status = printable(legacy_status)[: row_state.c.legacy_status.type.length]
    return {"source_id": source_id, "status": status, "legacy_status": legacy_status, "fingerprint": fp,
            "legacy_updated_at": legacy_at, "quarantine_reason": reason, "updated_at": now}
