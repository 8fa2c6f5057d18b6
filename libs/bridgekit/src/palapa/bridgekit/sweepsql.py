"""What a table source offers the digest sweep when its database can digest its own rows (PostgreSQL): the md5 of
each row's text, and per range of ids the md5 of its rows' md5s in id order, all ranges in one query. The sweep then
reads again only the ranges whose digest moved since it last compared them (sweep.DigestSource): a pass over an
unchanged table costs the database one scan and the bridge almost nothing.

A reader keeps its own SELECT and adds `row_digest(table)` to it (sweep_rows), and answers sweep_digests with
`range_digests(...)`; on another database both answer without digests and the sweep reads every row, as before.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Text, cast, func, literal, select, text
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by, array
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.expression import TableClause

#: the label of the row digest column a reader adds to its SELECT (a name no legacy table uses)
DIGEST = "palapa_sweep_digest"


def can_digest(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


def row_digest(table: TableClause) -> ColumnElement:
    """md5 of the whole row as text (every column, the ones the bridge does not read too; NULL differs from '')."""
    return func.md5(cast(table.table_valued(), Text))


def id_range(id_column: ColumnElement, after: int | None, upto: int | None) -> list[ColumnElement]:
    """WHERE clauses for after < id <= upto (either end open when None)."""
    return [*([id_column > after] if after is not None else []), *([id_column <= upto] if upto is not None else [])]


async def range_digests(engine: AsyncEngine, table: TableClause, id_column: ColumnElement,
                        where: list[ColumnElement], uppers: list[int]) -> dict[int, tuple[str, int]] | None:
    """(digest, rows) per range of ids split at `uppers` (range i: uppers[i-1] < id <= uppers[i]; the last runs to
    the end), over the rows `where` selects; the digest is sweep.range_digest of the rows' row_digest. None when the
    database cannot digest."""
    if not can_digest(engine):
        return None
    # width_bucket(id, thresholds) is i where thresholds[i-1] <= id < thresholds[i]: thresholds are uppers + 1
    bucket = func.width_bucket(id_column, cast(array([u + 1 for u in uppers], type_=BigInteger), ARRAY(BigInteger)))
    digest = func.md5(func.string_agg(row_digest(table), aggregate_order_by(literal(""), id_column)))
    # grouped by position: the bucket's array parameter would be a different parameter in GROUP BY
    stmt = select(bucket, digest, func.count()).select_from(table).where(*where).group_by(text("1"))
    async with engine.connect() as conn:
        rows = (await conn.execute(stmt)).all()
    return {int(b): (d, int(n)) for b, d, n in rows}


def digest_of(row: Any, digested: bool) -> str | None:
    """The row digest column of a row read with it (None when the database cannot digest)."""
    return row._mapping[DIGEST] if digested else None
