"""A signed-in citizen's PBB bills: the NOPs they registered to their account, each with its newest bill.

The citizen comes as the gate's token (X-Citizen-Token, checked by the kit: request.state.citizen); these routes
refuse without one. A bill is public by its NOP (as Cek PBB is), so registering one proves nothing and needs
nothing more: it is the citizen's list, read by no one else.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from fastapi import APIRouter
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import CaseFollowed, FollowedHow
from palapa.kit.capability import MaybeCitizen
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

from . import domain, store
from .tables import registrations

MAX_NOPS = 20
CITIZEN_MISSING = (401, "citizen_required", "Masuk di gerbang Palapa untuk melihat tagihan Anda")
BAD_NOP = (400, "malformed_nop", "NOP tidak valid: tulis 18 digit, boleh dengan titik dan tanda hubung")


class Registration(BaseModel):
    nop: str = Field(min_length=1, max_length=64)


def citizen_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["citizen"])

    @router.get("/citizen/tax-bills", responses={401: {"description": "citizen_required"}})
    async def my_bills(citizen: MaybeCitizen):
        """The NOPs the signed-in citizen follows, each with its newest bill (None until one is known)."""
        if citizen is None:
            return refusal(*CITIZEN_MISSING)
        r = registrations
        async with runtime.sessions() as session:
            nops = list(await session.scalars(select(r.c.nop).where(r.c.account == citizen.subject)
                                              .order_by(r.c.registered_at)))
            bills = {nop: await store.find(session, nop, None) for nop in nops}
        items = [{"nop": nop, "nop_formatted": domain.dotted(nop),
                  "bill": None if (b := bills[nop]) is None else {
                      "year": b.year, "amount_due": b.amount_due, "due_date": b.due_date, "paid": b.paid,
                      "status_label": b.status_label, "updated_at": b.updated_at}} for nop in nops]
        return JSONResponse(jsonable_encoder({"items": items}), headers={"Cache-Control": "no-store"})

    @router.post("/citizen/tax-bills", status_code=201,
                 responses={400: {"description": "malformed_nop"}, 409: {"description": "too_many"}})
    async def register(body: Registration, citizen: MaybeCitizen):
        """Follow a NOP (any spelling); registering it again changes nothing. A new follow gets its own ticket, and
        CaseFollowed with the bill's view puts it on the citizen's one live stream (its changes follow there)."""
        if citizen is None:
            return refusal(*CITIZEN_MISSING)
        nop = domain.canonical_nop(body.nop)
        if nop is None:
            return refusal(*BAD_NOP)
        r = registrations
        async with runtime.transaction() as tx:
            count = await tx.session.scalar(select(func.count()).select_from(r).where(r.c.account == citizen.subject))
            if count >= MAX_NOPS:
                return refusal(409, "too_many", f"Paling banyak {MAX_NOPS} NOP per akun")
            now, ticket = datetime.now(UTC), domain.follow_ticket(nop, secrets.token_hex(4))
            added = (await tx.session.execute(
                insert(r).values(account=citizen.subject, nop=nop, registered_at=now, ticket=ticket, revision=1)
                .on_conflict_do_nothing().returning(r.c.ticket))).first()
            if added is not None:
                view = domain.followed_view(ticket, 1, nop, await store.find(tx.session, nop, None), now)
                tx.publish(Envelope(CaseFollowed(ticket=ticket, account=citizen.subject, how=FollowedHow.FOLLOWED_NOP,
                                                 at=now), source=runtime.source, subject=ticket),
                           Envelope(view, source=runtime.source, subject=ticket))
        return {"nop": nop, "nop_formatted": domain.dotted(nop)}

    @router.delete("/citizen/tax-bills/{nop}", responses={404: {"description": "not_registered"}})
    async def unregister(nop: str, citizen: MaybeCitizen):
        if citizen is None:
            return refusal(*CITIZEN_MISSING)
        canonical = domain.canonical_nop(nop)
        r = registrations
        async with runtime.transaction() as tx:
            gone = canonical is not None and (await tx.session.execute(delete(r).where(
                r.c.account == citizen.subject, r.c.nop == canonical))).rowcount > 0
        if not gone:
            return refusal(404, "not_registered", "NOP ini tidak ada di akun Anda")
        return {"nop": canonical}

    return router
