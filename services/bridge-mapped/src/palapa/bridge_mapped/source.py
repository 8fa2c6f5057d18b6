"""The legacy table named by a mapping, read by (timestamp column, id column) for the kit's SqlPoller, and by id
for its digest sweep.

Every column is read (`SELECT *`): the mapping names some, the quarantine keeps them all, the fingerprint
covers them all. Names are quoted by SQLAlchemy; the mapping allows plain SQL names only. The id column
must be an integer that grows with each new row (the kit's timestamp+incrementing mode).
"""

from __future__ import annotations

from collections.abc import Mapping as Map
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, column, literal_column, or_, select, table
from sqlalchemy.ext.asyncio import AsyncEngine

from palapa.bridgekit import sweepsql
from palapa.bridgekit.sqlpoll import TimestampPosition, Window

from .translate import fingerprint


@dataclass(frozen=True)
class SourceRow:
    values: dict[str, Any]
    ts: datetime
    id: int
    digest: str

    @property
    def key(self) -> tuple[datetime, int]:
        return self.ts, self.id


class TableReader:
    def __init__(self, engine: AsyncEngine, name: str, id_column: str, ts_column: str) -> None:
        self.engine = engine
        self.t = table(name, column(id_column), column(ts_column))
        self.id, self.ts = self.t.c[id_column], self.t.c[ts_column]

    def _select(self):
        return select(literal_column("*")).select_from(self.t)

    def _row(self, r) -> SourceRow | None:
        values = {k: v for k, v in r._mapping.items() if k != sweepsql.DIGEST}
        ts, ident = values.get(self.ts.name), values.get(self.id.name)
        if not isinstance(ts, datetime) or isinstance(ident, bool) or not isinstance(ident, int):
            return None  # cannot be ordered: the query's own WHERE never reaches such rows again
        return SourceRow(values, ts.replace(tzinfo=None), ident, fingerprint(values))

    async def _read(self, stmt) -> list[SourceRow]:
        async with self.engine.connect() as conn:
            return [row for r in (await conn.execute(stmt)).all() if (row := self._row(r)) is not None]

    async def read_after(self, position: TimestampPosition, limit: int) -> list[SourceRow]:
        stmt = self._select().where(self.ts.is_not(None)).order_by(self.ts, self.id).limit(limit)
        if position.ts is not None:
            stmt = stmt.where(or_(self.ts > position.ts, and_(self.ts == position.ts, self.id > position.id)))
        return await self._read(stmt)

    async def sweep_page(self, after: int | None, limit: int) -> list[SourceRow]:
        """The digest sweep's page: at most `limit` rows with id > `after`, in id order (the kit's SweepSource)."""
        return [r for r, _ in await self.sweep_rows(after, limit, None)]

    async def sweep_rows(self, after: int | None, limit: int | None,
                         upto: int | None) -> list[tuple[SourceRow, str | None]]:
        """Rows with after < id <= upto in id order, each with the database's digest of it (the kit's sweepsql).

        A row that cannot be ordered (its timestamp not a time) is left out as the poll leaves it out; the page is
        filled up past it, since a short page tells the sweep that the table ends there."""
        digested = sweepsql.can_digest(self.engine)
        digest = [sweepsql.row_digest(self.t).label(sweepsql.DIGEST)] if digested else []
        rows: list[tuple[SourceRow, str | None]] = []
        while limit is None or len(rows) < limit:
            want = None if limit is None else limit - len(rows)
            stmt = (select(literal_column("*"), *digest).select_from(self.t)
                    .where(self.ts.is_not(None), *sweepsql.id_range(self.id, after, upto))
                    .order_by(self.id).limit(want))
            async with self.engine.connect() as conn:
                raw = (await conn.execute(stmt)).all()
            rows += [(row, sweepsql.digest_of(r, digested)) for r in raw if (row := self._row(r)) is not None]
            if want is None or len(raw) < want:
                break
            after = raw[-1]._mapping[self.id.name]
        return rows

    async def sweep_digests(self, uppers: list[int]) -> dict[int, tuple[str, int]] | None:
        """The database's digest of each range of ids (the sweep reads only the ranges that moved)."""
        return await sweepsql.range_digests(self.engine, self.t, self.id, [self.ts.is_not(None)], uppers)

    async def oldest_unread(self, last: TimestampPosition) -> datetime | None:
        rows = await self.read_after(last, 1)
        return rows[0].ts if rows else None

    async def scan(self, last: TimestampPosition, window: Window | None, batch_size: int, *,
                   handled: Map[int, tuple[datetime, str]] | None = None) -> list[SourceRow]:
        """The window's rows whose digest differs from `handled`'s, then one page beyond `last`."""
        rows: list[SourceRow] = []
        if window is not None and last.ts is not None:
            inside = and_(self.ts >= window.since, self.ts <= last.ts)
            if window.strays_before is not None:
                inside = or_(inside, self.ts < window.strays_before)
            stmt = self._select().where(inside).order_by(self.ts, self.id)
            handled = handled or {}
            rows = [r for r in await self._read(stmt)
                    if r.key <= last.key and handled.get(r.id, (None, None))[1] != r.digest]
        rows.extend(await self.read_after(last, batch_size))
        return rows
