"""A case's capability and PIN (palapa.kit.capability): made with its submission, checked on every citizen's read,
rating and PIN exchange. Only digests are stored; the link and the PIN are shown once, on the receipt.

Brute force: MAX_PIN_TRIES wrong PINs in a row lock the ticket's PIN for PIN_LOCK (the link still works); a right
PIN resets the count. A PIN buys a read token (READ_TOKEN_TTL), never the capability (it is not kept).
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.kit import capability
from palapa.kit.capability import Citizen

from ..tables import case_keys, read_tokens

MAX_PIN_TRIES = 5
PIN_LOCK = timedelta(minutes=15)
READ_TOKEN_TTL = timedelta(minutes=30)


@dataclass(frozen=True)
class Receipt:
    """What the citizen gets once: the capability (for the private link) and the PIN."""

    capability: str
    pin: str


@dataclass(frozen=True)
class PinAnswer:
    """A PIN exchange's outcome: a read token, or the tries left, or the end of a lock."""

    token: str | None = None
    expires_at: datetime | None = None
    tries_left: int | None = None
    locked_until: datetime | None = None


async def issue(session: AsyncSession, ticket: str, at: datetime, owner: str | None = None) -> Receipt:
    """Make the case's capability and PIN and store their digests (in the submission's transaction); `owner`: the
    signed-in citizen filing it."""
    receipt = Receipt(capability.new_capability(), capability.new_pin())
    salt = capability.new_salt()
    pin_hash = await asyncio.to_thread(capability.pin_digest, receipt.pin, salt)  # slow on purpose: off the loop
    await session.execute(case_keys.insert().values(
        ticket=ticket, capability_hash=capability.digest(receipt.capability), pin_hash=pin_hash, pin_salt=salt,
        owner=owner, created_at=at))
    return receipt


async def may_read(session: AsyncSession, ticket: str, key: str | None, citizen: Citizen | None,
                   now: datetime) -> bool:
    """Whether the key (the capability, or a live read token for this ticket) or the signed-in owner opens it."""
    row = (await session.execute(
        select(case_keys.c.capability_hash, case_keys.c.owner).where(case_keys.c.ticket == ticket))).first()
    if row is not None and citizen is not None and row.owner == citizen.subject:
        return True
    if not key:
        return False
    if row is not None and capability.matches(key, row.capability_hash):
        return True
    if len(key) > 128:
        return False
    found = await session.scalar(select(read_tokens.c.ticket).where(
        read_tokens.c.token_hash == capability.digest(key), read_tokens.c.ticket == ticket,
        read_tokens.c.expires_at > now))
    return found is not None


async def _pin(session: AsyncSession, ticket: str, pin: str, now: datetime) -> tuple[PinAnswer | None, object]:
    """(None, the case's keys row) when the PIN is right (the count reset); else (the refusal, or None for a
    ticket without a PIN, None). A wrong PIN counts; the fifth in a row locks the ticket's PIN."""
    row = (await session.execute(select(case_keys).where(case_keys.c.ticket == ticket).with_for_update())).first()
    if row is None:
        return None, None
    if row.pin_locked_until is not None and row.pin_locked_until > now:
        return PinAnswer(locked_until=row.pin_locked_until), None
    if await asyncio.to_thread(capability.pin_matches, pin, row.pin_salt, row.pin_hash):
        await session.execute(update(case_keys).where(case_keys.c.ticket == ticket)
                              .values(pin_failures=0, pin_locked_until=None))
        return None, row
    failures = row.pin_failures + 1  # a lock set it back to 0: after the lock, five tries again
    locked = now + PIN_LOCK if failures >= MAX_PIN_TRIES else None
    await session.execute(update(case_keys).where(case_keys.c.ticket == ticket)
                          .values(pin_failures=0 if locked else failures, pin_locked_until=locked))
    return (PinAnswer(locked_until=locked) if locked else PinAnswer(tries_left=MAX_PIN_TRIES - failures)), None


async def try_pin(session: AsyncSession, ticket: str, pin: str, now: datetime) -> PinAnswer | None:
    """Check a PIN (None: the ticket has no PIN, or is unknown); right: a new read token; wrong: one try fewer."""
    refused, row = await _pin(session, ticket, pin, now)
    if row is not None:
        token, expires = secrets.token_urlsafe(32), now + READ_TOKEN_TTL
        await session.execute(delete(read_tokens).where(read_tokens.c.expires_at <= now))
        await session.execute(read_tokens.insert().values(token_hash=capability.digest(token), ticket=ticket,
                                                          expires_at=expires))
        return PinAnswer(token=token, expires_at=expires)
    return refused


async def claim(session: AsyncSession, ticket: str, pin: str, citizen: Citizen,
                now: datetime) -> PinAnswer | str | None:
    """Bind the case to the signed-in citizen who knows its PIN (the same count and lock as a PIN exchange):
    "claimed" (or already theirs), "taken" (another account's), or the refusal (None: no such ticket's PIN)."""
    refused, row = await _pin(session, ticket, pin, now)
    if row is None:
        return refused
    if row.owner is not None and row.owner != citizen.subject:
        return "taken"
    await session.execute(update(case_keys).where(case_keys.c.ticket == ticket).values(owner=citizen.subject))
    return "claimed"


async def owned_by(session: AsyncSession, citizen: Citizen, limit: int) -> list[str]:
    """The tickets the citizen owns, newest first."""
    rows = await session.execute(select(case_keys.c.ticket).where(case_keys.c.owner == citizen.subject)
                                 .order_by(case_keys.c.created_at.desc()).limit(limit))
    return [r.ticket for r in rows]


async def hashes_of(session: AsyncSession, tickets: list[str]) -> dict[str, str]:
    """ticket → its capability's digest, for the tickets that have one (what notify-svc is told)."""
    if not tickets:
        return {}
    rows = await session.execute(select(case_keys.c.ticket, case_keys.c.capability_hash)
                                 .where(case_keys.c.ticket.in_(tickets)))
    return {r.ticket: r.capability_hash for r in rows}
