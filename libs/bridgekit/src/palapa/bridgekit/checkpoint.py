"""The checkpoint: the stored row holding a bridge's position per app, loaded under a row lock for a compare-and-set.

A *position* is a bridge's place in its source. Its kind is the adapter's: sqlpoll's TimestampPosition
(change time, id), filedrop's FilePosition (which file, how far), restpoll's TokenPosition (the source's own
continuation token), or a bridge's own (bridge-cctv's time of the last poll). The kit never looks inside one:
it compares positions with `==`, shows them with `str`, and stores them in the columns their kind's `encode`
names (`position_<field>` for the adapters' kinds).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

#: a bridge's place in its source, opaque to the kit (see the module's docstring)
Position = Any


@dataclass(frozen=True)
class Checkpoint:
    """The row of `table` holding `app_id`'s position; `encode`/`decode` map the position to its columns."""

    table: Table
    app_id: str
    start: Position
    encode: Callable[[Position], dict[str, Any]]
    decode: Callable[[Mapping[str, Any]], Position]

    async def load(self, session: AsyncSession, *, for_update: bool = False) -> Position:
        """The stored position (locked for the transaction when for_update), or the start."""
        stmt = select(self.table).where(self.table.c.app_id == self.app_id)
        row = (await session.execute(stmt.with_for_update() if for_update else stmt)).first()
        return self.start if row is None else self.decode(row._mapping)

    async def save(self, session: AsyncSession, position: Position, now: datetime) -> None:
        """Store the position in the caller's transaction."""
        values = self.encode(position)
        stmt = insert(self.table).values(app_id=self.app_id, updated_at=now, **values)
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=[self.table.c.app_id],
                set_={**{c: stmt.excluded[c] for c in values}, "updated_at": now},
            )
        )
