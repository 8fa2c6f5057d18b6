"""Open311 API keys: random, shown once when issued, stored only as their SHA-256 digest.

A key is 32 random bytes (256 bits), so a plain digest is enough: there is nothing to guess that a salt or a
slow hash would protect (those are for passwords people choose)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..tables import api_keys

PREFIX = "plp_"


def new_key() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


async def issue(session: AsyncSession, name: str) -> str:
    """A new key for the client `name`: its digest is stored, the key itself returned once."""
    key = new_key()
    await session.execute(api_keys.insert().values(key_hash=digest(key), name=name, created_at=datetime.now(UTC)))
    return key


async def revoke(session: AsyncSession, name: str) -> int:
    """Revoke every live key of `name`; how many were revoked."""
    result = await session.execute(
        update(api_keys).where(api_keys.c.name == name, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    return result.rowcount or 0


async def client_of(session: AsyncSession, key: str) -> str | None:
    """The client a live key belongs to, or None (unknown or revoked)."""
    if not key or len(key) > 200:
        return None
    row = (await session.execute(
        select(api_keys.c.name).where(api_keys.c.key_hash == digest(key), api_keys.c.revoked_at.is_(None))
    )).first()
    return row.name if row else None


async def listing(session: AsyncSession) -> list[tuple[str, datetime, datetime | None]]:
    rows = (await session.execute(select(api_keys).order_by(api_keys.c.created_at))).all()
    return [(r.name, r.created_at, r.revoked_at) for r in rows]
