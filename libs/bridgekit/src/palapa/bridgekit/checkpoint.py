"""The checkpoint row: a source position stored per app, loaded under a row lock for a compare-and-set."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class Checkpoint:
    """Where `app_id`'s position lives; `encode`/`decode` map the source's (opaque) position to its columns."""

    table: Table
    app_id: str
    start: Any
    encode: Callable[[Any], dict[str, Any]]
    decode: Callable[[Mapping[str, Any]], Any]

    async def load(self, session: AsyncSession, *, for_update: bool = False) -> Any:
        """The stored position (locked for the transaction when for_update), or the start."""
        stmt = select(self.table).where(self.table.c.app_id == self.app_id)
        row = (await session.execute(stmt.with_for_update() if for_update else stmt)).first()
        return self.start if row is None else self.decode(row._mapping)

    async def save(self, session: AsyncSession, position: Any, now: datetime) -> None:
        """Store the position in the caller's transaction."""
        values = self.encode(position)
        stmt = insert(self.table).values(app_id=self.app_id, updated_at=now, **values)
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=[self.table.c.app_id],
                set_={**{c: stmt.excluded[c] for c in values}, "updated_at": now},
            )
        )
