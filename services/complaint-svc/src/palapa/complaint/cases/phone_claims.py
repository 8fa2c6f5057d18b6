"""Claiming a legacy case by the phone it was filed with ("Kasus saya", issue 20).

A bridge puts the keyed hash of the number its legacy app recorded on ComplaintSubmitted (reporter_phone_hash), with
the gate's account secret: the hash is what a phone account is made of (palapa.contracts.phone). The gate signs a
citizen in by a one-time code sent to that number, so its citizen token's `warga-<hash>` account is the proof: a
case whose hash is the account's, and that no account owns yet, is offered to it and bound on its request. No number
is ever stored or compared here; another account's hash never lists or claims.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.phone import hash_of_account
from palapa.kit import capability
from palapa.kit.capability import Citizen

from ..tables import case_keys, cases, reporters

Outcome = Literal["claimed", "taken", "not_yours", "not_phone"]


async def claimable(session: AsyncSession, citizen: Citizen, limit: int) -> list[str]:
    """The tickets of the cases filed with the citizen's number that no account owns, newest first; none for an
    account that is no phone account."""
    wanted = hash_of_account(citizen.subject)
    if wanted is None:
        return []
    query = (select(cases.c.ticket)
             .join(reporters, reporters.c.ticket == cases.c.ticket)
             .outerjoin(case_keys, case_keys.c.ticket == cases.c.ticket)
             .where(reporters.c.phone_hash == wanted, case_keys.c.owner.is_(None))
             .order_by(cases.c.submitted_at.desc(), cases.c.ticket).limit(limit))
    return [r.ticket for r in await session.execute(query)]


async def claim(session: AsyncSession, ticket: str, citizen: Citizen, now: datetime) -> Outcome:
    """Bind a case filed with the citizen's number to their account: "claimed" (or already theirs), "taken" (another
    account's), "not_yours" (unknown, or filed with another number: the same answer), "not_phone"."""
    wanted = hash_of_account(citizen.subject)
    if wanted is None:
        return "not_phone"
    row = (await session.execute(
        select(reporters.c.phone_hash, cases.c.submitted_at).join(cases, cases.c.ticket == reporters.c.ticket)
        .where(reporters.c.ticket == ticket))).first()
    if row is None or row.phone_hash is None or not hmac.compare_digest(row.phone_hash, wanted):
        return "not_yours"
    # a legacy case has no capability or PIN: its keys row gets digests of random values nobody holds, so only the
    # owner's token reads it (a PIN never matches); a row that exists keeps its keys and gains the owner if it has none
    bound = await session.scalar(
        insert(case_keys).values(ticket=ticket, capability_hash=capability.digest(capability.new_capability()),
                                 pin_hash=secrets.token_hex(32), pin_salt=capability.new_salt(),
                                 owner=citizen.subject, created_at=row.submitted_at or now)
        .on_conflict_do_update(index_elements=["ticket"], set_={"owner": citizen.subject},
                               where=case_keys.c.owner.is_(None))
        .returning(case_keys.c.owner))
    if bound is not None:
        return "claimed"
    owner = await session.scalar(select(case_keys.c.owner).where(case_keys.c.ticket == ticket))
    return "claimed" if owner == citizen.subject else "taken"
