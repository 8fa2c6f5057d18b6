"""Reading the audit log: by actor, by object, by time range, newest first, in pages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

MAX_PAGE = 500


async def audit_records(
    session: AsyncSession,
    table: Table,
    *,
    actor: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[dict]:
    """Records matching every filter given (`since` ≤ at < `until`), newest first; pass the last id as
    `before_id` for the next page."""
    query = select(table).order_by(table.c.id.desc()).limit(max(1, min(limit, MAX_PAGE)))
    for column, value in (("actor", actor), ("object_type", object_type), ("object_id", object_id)):
        if value is not None:
            query = query.where(table.c[column] == value)
    if since is not None:
        query = query.where(table.c.at >= since)
    if until is not None:
        query = query.where(table.c.at < until)
    if before_id is not None:
        query = query.where(table.c.id < before_id)
    return [dict(row) for row in (await session.execute(query)).mappings()]
