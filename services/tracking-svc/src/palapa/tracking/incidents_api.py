"""A signed-in citizen's PSC 119 incidents ("Kasus saya", issue 20): the ones called in from their phone number,
offered and claimed (incident_claims.py), and the ones they own. The gate's citizen token is required; an incident is
its owner's alone once claimed (GET /tickets/{t} then answers 404 to anyone else, as for a letter)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import CaseFollowed, FollowedHow, TicketKind, is_ticket
from palapa.contracts.phone import hash_of_account
from palapa.kit.auth import Principal
from palapa.kit.capability import Citizen, MaybeCitizen
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

from . import incident_claims, store
from .api import TicketRead

CITIZEN_MISSING = (401, "citizen_required", "Masuk di gerbang Palapa untuk melihat kejadian darurat Anda")
NOT_PHONE = (403, "phone_account_required",
             "Masuk dengan nomor HP untuk menambahkan kejadian yang dilaporkan dari nomor Anda")
NOT_YOURS = (404, "not_claimable", "Tidak ada kejadian dengan nomor tiket ini yang dilaporkan dari nomor HP Anda")
TAKEN = (409, "claimed_by_another", "Kejadian ini sudah terhubung ke akun lain")
NO_STORE = {"Cache-Control": "no-store"}
MAX_LISTED = 100


def incidents_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["citizen"])

    def listed(found) -> JSONResponse:
        return JSONResponse(jsonable_encoder({"items": [TicketRead.of(t) for t in found]}), headers=NO_STORE)

    @router.get("/citizen/incidents", responses={401: {"description": "citizen_required"}})
    async def my_incidents(citizen: MaybeCitizen):
        """The signed-in citizen's incidents (claimed by phone), newest first."""
        if citizen is None:
            return refusal(*CITIZEN_MISSING)
        async with runtime.sessions() as session:
            return listed(await store.owned(session, citizen.subject, TicketKind.INCIDENT, MAX_LISTED))

    @router.get("/citizen/incidents/claimable", responses={401: {"description": "citizen_required"}})
    async def claimable(citizen: MaybeCitizen):
        """The incidents PSC 119 recorded as called from the signed-in citizen's number that no account owns yet
        (none for an account that is no phone account)."""
        if citizen is None:
            return refusal(*CITIZEN_MISSING)
        if (wanted := hash_of_account(citizen.subject)) is None:
            return listed([])
        async with runtime.sessions() as session:
            return listed(await store.claimable(session, wanted, MAX_LISTED))

    @router.post("/citizen/incidents/{ticket}/claim-by-phone",
                 responses={401: {"description": "citizen_required"}, 403: {"description": "phone_account_required"},
                            404: {"description": "not_claimable"}, 409: {"description": "claimed_by_another"}})
    async def claim_by_phone(ticket: str, citizen: MaybeCitizen):
        """Bind an incident called in from the signed-in citizen's number (the phone-verified sign-in is the proof,
        matched by the keyed hash); an unknown ticket or another number is 404 alike, another owner 409. Audited."""
        if citizen is None:
            return refusal(*CITIZEN_MISSING)
        if not is_ticket(ticket):
            return refusal(*NOT_YOURS)
        async with runtime.transaction() as tx:
            current = await store.get_many(tx.session, [ticket], for_update=True)
            outcome, new = incident_claims.claim(current.get(ticket), citizen.subject)
            if new is not None:
                await store.save_many(tx.session, set(current), [new])
            if outcome == "claimed":
                now = datetime.now(UTC)
                # notify-svc then puts the incident's newest view, and every later one, on the citizen's one stream
                tx.publish(Envelope(CaseFollowed(ticket=ticket, account=citizen.subject,
                                                 how=FollowedHow.CLAIMED_BY_PHONE, at=now),
                                    source=runtime.source, subject=ticket))
            if outcome in ("claimed", "taken"):
                tx.audit(as_principal(citizen), f"incident.claim_by_phone{'' if outcome == 'claimed' else '.refused'}",
                         ("incident", ticket), why=None if outcome == "claimed" else "claimed_by_another")
        if outcome == "claimed":
            return JSONResponse({"ticket": ticket}, headers=NO_STORE)
        return refusal(*{"taken": TAKEN, "not_phone": NOT_PHONE}.get(outcome, NOT_YOURS))

    return router


def as_principal(citizen: Citizen) -> Principal:
    """The citizen as the audit log's actor: their account (a keyed hash, never the number), with no role."""
    return Principal(subject=citizen.subject, kind="person")
