"""Queries of the signing-key registry."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..tables import signing_keys as t
from .domain import SigningKey


def _key(row) -> SigningKey:
    return SigningKey(row.app_id, row.kid, dict(row.jwk), row.registered_at, row.registered_by, row.retires_at)


async def all_keys(session: AsyncSession) -> list[SigningKey]:
    rows = await session.execute(select(t).order_by(t.c.app_id, t.c.registered_at, t.c.kid))
    return [_key(r) for r in rows]


async def with_kid(session: AsyncSession, kid: str, *, for_update: bool = False) -> list[SigningKey]:
    query = select(t).where(t.c.kid == kid)
    return [_key(r) for r in await session.execute(query.with_for_update() if for_update else query)]


async def add(session: AsyncSession, key: SigningKey) -> None:
    await session.execute(t.insert().values(
        app_id=key.app_id, kid=key.kid, jwk=key.jwk, registered_at=key.registered_at, registered_by=key.registered_by,
        retires_at=key.retires_at))


async def set_retires_at(session: AsyncSession, key: SigningKey) -> None:
    await session.execute(update(t).where(t.c.app_id == key.app_id, t.c.kid == key.kid)
                          .values(retires_at=key.retires_at))
