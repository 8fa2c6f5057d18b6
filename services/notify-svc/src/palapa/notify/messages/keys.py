"""OPD API keys (stored only as a hash; the secret is shown once) and Idempotency-Key records (kept 24 hours)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.kit.db import cached_sql

from ..tables import api_keys, idempotency_keys

PREFIX = "palapa"
MAX_IDEMPOTENCY_KEY = 200


@dataclass(frozen=True)
class ApiClient:
    """Who sent a request with an API key: `test` keys reach only the simulators."""

    key_id: str
    opd: str
    test: bool

    @property
    def client(self) -> str:
        return f"key:{self.key_id}"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def issue(session: AsyncSession, name: str, opd: str, test: bool) -> tuple[str, str]:
    """A new key for an OPD: (its id, the secret to hand over once)."""
    key_id = str(uuid.uuid4())
    secret = f"{PREFIX}_{'test' if test else 'live'}_{secrets.token_urlsafe(32)}"
    await session.execute(insert(api_keys).values(id=key_id, name=name, opd=opd.upper(), key_hash=digest(secret),
                                                  test=test, created_at=datetime.now(UTC)))
    return key_id, secret


async def register(session: AsyncSession, key_id: str, name: str, opd: str, secret: str) -> None:
    """A live key whose secret a platform process is given by its settings (the gate's): registered at start, its
    digest replaced when the secret changes (rotation: restart both with the new one)."""
    values = {"name": name, "opd": opd.upper(), "key_hash": digest(secret), "test": False, "revoked_at": None}
    await session.execute(insert(api_keys).values(id=key_id, created_at=datetime.now(UTC), **values)
                          .on_conflict_do_update(index_elements=[api_keys.c.id], set_=values))


# built once (bound by name at each call): building one per request cost more CPU than running it
_CLIENT = select(api_keys.c.id, api_keys.c.opd, api_keys.c.test).where(
    api_keys.c.key_hash == bindparam("hashed"), api_keys.c.revoked_at.is_(None))
_REMEMBERED = select(idempotency_keys.c.digest, idempotency_keys.c.message_id).where(
    idempotency_keys.c.client == bindparam("caller"), idempotency_keys.c.key == bindparam("idempotency_key"),
    idempotency_keys.c.created_at >= bindparam("since")).with_for_update()


async def client_of(session: AsyncSession, secret: str) -> ApiClient | None:
    """The client a presented secret belongs to; None for an unknown or revoked key."""
    if not secret or len(secret) > 200:
        return None
    row = (await session.execute(_CLIENT, {"hashed": digest(secret)})).one_or_none()
    return None if row is None else ApiClient(row.id, row.opd, row.test)


async def revoke(session: AsyncSession, key_id: str) -> bool:
    result = await session.execute(api_keys.update().where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                                   .values(revoked_at=datetime.now(UTC)))
    return result.rowcount > 0


async def remembered(session: AsyncSession, client: str, key: str, kept: timedelta) -> tuple[str, str] | None:
    """(body digest, message id) stored under an Idempotency-Key within `kept` (an older record is as none)."""
    row = (await session.execute(_REMEMBERED, {"caller": client, "idempotency_key": key,
                                                "since": datetime.now(UTC) - kept})).one_or_none()
    return None if row is None else (row.digest, row.message_id)


_REMEMBER = cached_sql(f"""
INSERT INTO {idempotency_keys.fullname} AS i (client, key, digest, message_id, created_at)
VALUES (:client, :key, :digest, :message_id, :created_at)
ON CONFLICT (client, key) DO UPDATE
    SET digest = excluded.digest, message_id = excluded.message_id, created_at = excluded.created_at
    WHERE i.created_at < :expired
RETURNING key""", idempotency_keys)  # text: compiled once (palapa.kit.db.cached_sql)


async def remember(session: AsyncSession, client: str, key: str, body_digest: str, message_id: str,
                   kept: timedelta) -> bool:
    """Keep the key for this request (replacing a record older than `kept`); False when another request holds it
    (a concurrent one under the same key: compare its body with `remembered`)."""
    now = datetime.now(UTC)
    taken = await session.scalar(_REMEMBER, {"client": client, "key": key, "digest": body_digest,
                                             "message_id": message_id, "created_at": now, "expired": now - kept})
    return taken is not None


async def forget_expired(session: AsyncSession, kept: timedelta) -> int:
    """Delete the records older than `kept` (they answer nothing any more); how many."""
    i = idempotency_keys
    result = await session.execute(delete(i).where(i.c.created_at < datetime.now(UTC) - kept))
    return result.rowcount
