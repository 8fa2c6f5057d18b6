"""The bridge's position in tb_pengaduan: (tgl_update, id_pengaduan) of the last row read, and the lookback window.

Legacy timestamps are whole seconds and a write may commit after later ones were read, so every poll
re-reads from `position.ts - lookback`; rows that did not change since they were emitted are skipped by
their fingerprint (see poller). The position itself only moves forward.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from .store import checkpoint


@dataclass(frozen=True)
class SourcePosition:
    """Position after the last row read; ts None = nothing read yet."""

    ts: datetime | None = None
    id: int = 0

    @property
    def key(self) -> tuple[datetime, int] | None:
        return None if self.ts is None else (self.ts, self.id)

    def is_before(self, key: tuple[datetime, int]) -> bool:
        """True when a row at `key` lies beyond this position (it has not been read yet)."""
        return self.ts is None or key > (self.ts, self.id)

    def scan_start(self, lookback_seconds: float) -> SourcePosition:
        """Where a poll starts reading: `lookback_seconds` before the position, from the first id of that second."""
        if self.ts is None:
            return self
        return SourcePosition(self.ts - timedelta(seconds=lookback_seconds), 0)

    def advance(self, keys: Iterable[tuple[datetime, int]]) -> SourcePosition:
        """The position after reading rows at `keys` (never moves backwards)."""
        best = self.key
        for key in keys:
            if best is None or key > best:
                best = key
        return self if best is None else SourcePosition(*best)


async def load(session: AsyncSession, app_id: str, *, for_update: bool = False) -> SourcePosition:
    """The stored position (locked for the transaction when for_update), or the start."""
    stmt = select(checkpoint.c.cursor_ts, checkpoint.c.cursor_id).where(checkpoint.c.app_id == app_id)
    row = (await session.execute(stmt.with_for_update() if for_update else stmt)).first()
    return SourcePosition() if row is None else SourcePosition(row.cursor_ts, row.cursor_id)


async def save(session: AsyncSession, app_id: str, position: SourcePosition, now: datetime) -> None:
    """Store the position in the caller's transaction."""
    stmt = insert(checkpoint).values(app_id=app_id, cursor_ts=position.ts, cursor_id=position.id, updated_at=now)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[checkpoint.c.app_id],
            set_={"cursor_ts": stmt.excluded.cursor_ts, "cursor_id": stmt.excluded.cursor_id, "updated_at": now},
        )
    )
