"""The signed-in citizen's own cases ("Kasus saya" at the gate): the list, and claiming a case by ticket + PIN or,
for a case a legacy app recorded with the citizen's phone number, by the phone-verified sign-in (phone_claims.py).

The citizen comes as the gate's token (X-Citizen-Token, checked by the kit: request.state.citizen); these routes
refuse without one. Claiming counts wrong PINs with the PIN exchange's count and lock (keys.py): a stranger guessing
PINs through either route locks the same ticket.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import CaseFollowed, FollowedHow, is_ticket
from palapa.kit.auth import Principal
from palapa.kit.capability import Citizen, MaybeCitizen
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

from ..lifecycle import store
from . import keys, phone_claims

MAX_LISTED = 100
CITIZEN_MISSING = (401, "citizen_required", "Masuk di gerbang Palapa untuk melihat kasus Anda")
BAD_TICKET = (422, "malformed_ticket", "Nomor tiket tidak valid: gunakan huruf besar, angka dan '-', 3 sampai 64 "
                                       "karakter")

NOT_PHONE = (403, "phone_account_required",
             "Masuk dengan nomor HP untuk mengklaim aduan yang tercatat dengan nomor Anda")
NOT_YOURS = (404, "not_claimable", "Tidak ada aduan dengan nomor tiket ini yang tercatat dengan nomor HP Anda")


class Claim(BaseModel):
    pin: str = Field(min_length=1, max_length=12, description="The 6-digit PIN on the receipt")


def pin_refusal(answer: keys.PinAnswer | None, now: datetime) -> JSONResponse:
    """A wrong PIN, or a locked one (429 with Retry-After); an unknown ticket answers as a wrong PIN, and no
    answer counts the tries left: a wrong guess teaches nothing."""
    if answer is not None and answer.locked_until is not None:
        wait = max(1, int((answer.locked_until - now).total_seconds()))
        locked = refusal(429, "pin_locked", f"Terlalu banyak PIN salah: coba lagi setelah {wait // 60 + 1} menit, "
                                            "atau buka tautan pribadi Anda")
        locked.headers["Retry-After"] = str(wait)
        return locked
    return refusal(403, "wrong_pin", f"Nomor tiket atau PIN salah; setelah {keys.MAX_PIN_TRIES} kali salah, "
                                     "PIN dikunci 15 menit")


def summary(ticket: str, case, origin: bool = False) -> dict:
    """What the list shows of one of the citizen's cases (a case the intake has not opened yet: just received);
    `origin`: also the app that holds it and when it was filed (a legacy case offered for claiming)."""
    if case is None:
        return {"ticket": ticket, "status": "received", "status_label": "Diterima", "category": None, "opd": None,
                "deadline": None, "updated_at": None}
    shown = {"ticket": ticket, "status": case.status.value, "status_label": case.status_label,
             "category": case.category, "opd": case.opd, "deadline": case.current_due_at,
             "updated_at": case.updated_at}
    return shown | ({"source_app": case.source_app, "submitted_at": case.submitted_at} if origin else {})


def followed(ticket: str, citizen: Citizen, how: FollowedHow, at: datetime, source: str) -> Envelope:
    """CaseFollowed: from now on notify-svc puts the case's views on the citizen's one live stream."""
    return Envelope(CaseFollowed(ticket=ticket, account=citizen.subject, how=how, at=at), source=source,
                    subject=ticket)


def citizen_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["citizen"])

    async def listing(tickets_of, citizen: Citizen, origin: bool = False) -> JSONResponse:
        """The cases `tickets_of` names for the citizen, summed up (`origin`: with the app and the day filed)."""
        async with runtime.sessions() as session:
            tickets = await tickets_of(session, citizen, MAX_LISTED)
            await store.snapshot(session)
            cases = await store.get_many(session, tickets)
        items = [summary(t, cases.get(t), origin) for t in tickets]
        return JSONResponse(jsonable_encoder({"items": items}), headers={"Cache-Control": "no-store"})

    @router.get("/citizen/complaints", responses={401: {"description": "citizen_required"}})
    async def my_complaints(citizen: MaybeCitizen):
        """The signed-in citizen's complaints, newest first: filed while signed in, or claimed."""
        if citizen is None:
            return refusal(*CITIZEN_MISSING)
        return await listing(keys.owned_by, citizen)

    @router.post("/citizen/complaints/{ticket}/claim",
                 responses={401: {"description": "citizen_required"}, 403: {"description": "wrong_pin"},
                            409: {"description": "claimed_by_another"}, 429: {"description": "pin_locked"}})
    async def claim(ticket: str, body: Claim, citizen: MaybeCitizen):
        """Bind a case to the signed-in citizen who knows its ticket and PIN (5 wrong PINs lock it 15 minutes)."""
        if citizen is None:
            return refusal(*CITIZEN_MISSING)
        if not is_ticket(ticket):
            return refusal(*BAD_TICKET)
        now = datetime.now(UTC)
        async with runtime.transaction() as tx:
            outcome = await keys.claim(tx.session, ticket, body.pin.strip(), citizen, now)
            if outcome == "claimed":
                tx.publish(followed(ticket, citizen, FollowedHow.CLAIMED, now, runtime.source))
        if outcome == "claimed":
            return {"ticket": ticket}
        if outcome == "taken":
            return refusal(409, "claimed_by_another", "Pengaduan ini sudah terhubung ke akun lain")
        return pin_refusal(outcome, now)

    @router.get("/citizen/complaints/claimable", responses={401: {"description": "citizen_required"}})
    async def claimable(citizen: MaybeCitizen):
        """The cases a legacy app recorded with the signed-in citizen's phone number and no account owns yet."""
        if citizen is None:
            return refusal(*CITIZEN_MISSING)
        return await listing(phone_claims.claimable, citizen, origin=True)

    @router.post("/citizen/complaints/{ticket}/claim-by-phone",
                 responses={401: {"description": "citizen_required"}, 403: {"description": "phone_account_required"},
                            404: {"description": "not_claimable"}, 409: {"description": "claimed_by_another"}})
    async def claim_by_phone(ticket: str, citizen: MaybeCitizen):
        """Bind a case recorded with the signed-in citizen's phone number (the phone-verified sign-in is the proof;
        the match is the server's, by the keyed hash); a case another account owns is 409. Audited."""
        if citizen is None:
            return refusal(*CITIZEN_MISSING)
        if not is_ticket(ticket):
            return refusal(*BAD_TICKET)
        async with runtime.transaction() as tx:
            outcome = await phone_claims.claim(tx.session, ticket, citizen, now := datetime.now(UTC))
            if outcome == "claimed":
                tx.publish(followed(ticket, citizen, FollowedHow.CLAIMED_BY_PHONE, now, runtime.source))
            if outcome in ("claimed", "taken"):
                tx.audit(as_principal(citizen), f"complaint.claim_by_phone{'' if outcome == 'claimed' else '.refused'}",
                         ("case", ticket), why=None if outcome == "claimed" else "claimed_by_another")
        if outcome == "claimed":
            return {"ticket": ticket}
        if outcome == "taken":
            return refusal(409, "claimed_by_another", "Pengaduan ini sudah terhubung ke akun lain")
        return refusal(*(NOT_PHONE if outcome == "not_phone" else NOT_YOURS))

    return router


def as_principal(citizen: Citizen) -> Principal:
    """The citizen as the audit log's actor: their account (a keyed hash, never the number), with no role."""
    return Principal(subject=citizen.subject, kind="person")
