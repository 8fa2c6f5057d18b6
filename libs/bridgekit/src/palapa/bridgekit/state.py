"""Row state (what was last emitted per source row, and its fingerprint) and the quarantine table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from .masking import printable
from .protocol import LastState
from .tables import BridgeTables


class RowStates:
    """Reads and writes of row_state and quarantine; source ids are strings, stored in the table's id type."""

    def __init__(self, tables: BridgeTables, app_id: str | None = None) -> None:
        self.tables = tables
        self._key = tables.row_state.c.source_id.type.python_type
        # app-scoped tables (bridge_tables(app_scoped=True)) hold several apps' rows: every read and write names
        # this one
        self.app_id = app_id if "app_id" in tables.row_state.c else None
        if "app_id" in tables.row_state.c and not app_id:
            raise ValueError("app-scoped bridge tables need the app id")
        self._app = {"app_id": app_id} if self.app_id else {}

    def scope(self) -> list:
        """The WHERE clauses that keep reads and deletes of row_state to this app."""
        return [self.tables.row_state.c.app_id == self.app_id] if self.app_id else []

    async def last(self, session: AsyncSession, source_ids: list[str]) -> dict[str, LastState]:
        """The last state of each of these source rows that the bridge has handled before."""
        if not source_ids:
            return {}
        t = self.tables.row_state
        keys = {self._key(i) for i in source_ids}
        rows = await session.execute(select(t.c.source_id, t.c.status, t.c.fingerprint, t.c.legacy_updated_at).where(
            *self.scope(), t.c.source_id.in_(keys)))
        return {str(r.source_id): LastState(r.status, r.fingerprint, r.legacy_updated_at) for r in rows}

    def row(self, source_id: str, status: str | None, source_status: str, fp: str, changed_at: datetime,
            reason: str | None, now: datetime) -> dict:
        # a quarantined row's status may be anything (oversized, a NUL): the column keeps what it can hold
        source_status = printable(source_status)[: self.tables.row_state.c.legacy_status.type.length]
        return {**self._app, "source_id": self._key(source_id), "status": status, "legacy_status": source_status,
                "fingerprint": fp, "legacy_updated_at": changed_at, "quarantine_reason": reason, "updated_at": now}

    async def save(self, session: AsyncSession, states: list[dict]) -> None:
        """Upsert row_state rows (one per source id) in the caller's transaction."""
        if not states:
            return
        # ON CONFLICT cannot touch a row twice in one batch: the last state of a source id wins
        states = list({st["source_id"]: st for st in states}.values())
        t = self.tables.row_state
        stmt = insert(t)
        cols = ("status", "legacy_status", "fingerprint", "legacy_updated_at", "quarantine_reason", "updated_at")
        await session.execute(
            stmt.on_conflict_do_update(index_elements=list(t.primary_key), set_={c: stmt.excluded[c] for c in cols}),
            states,
        )

    def quarantine_row(self, source_id: str, reason: str, row: dict, changed_at: datetime, now: datetime,
                       source_key: str | None = None) -> dict:
        """A quarantine row: `row` masked by the caller, `source_key` the keyed hash to find it again."""
        return {**self._app, "source_id": self._key(source_id), "reason": reason, "row": row,
                "legacy_updated_at": changed_at, "seen_at": now, "source_key": source_key}

    async def quarantine(self, session: AsyncSession, rows: list[dict]) -> None:
        if rows:
            await session.execute(self.tables.quarantine.insert(), rows)
