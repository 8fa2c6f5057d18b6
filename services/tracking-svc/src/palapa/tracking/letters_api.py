"""A signed-in citizen's letters (issue 20): request one at the gate, list them, read one. The gate's citizen token
(X-Citizen-Token, checked by the kit: request.state.citizen) is required; a letter is its owner's alone, another
account reads "unknown" (404), as for a ticket that does not exist.

The request opens the ticket and stages RequestLetter in the same transaction (the outbox): nothing is lost if the
broker or Si Makel is away, and the applicant's name, NIK and phone travel only sealed (palapa.kit.sealed) for
bridge-simakel. tracking-svc keeps none of them: its ticket holds the account, the letter and the kelurahan.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import CaseFollowed, FollowedHow, RequestLetter, TicketKind, is_ticket
from palapa.kit.capability import MaybeCitizen
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime
from palapa.kit.sealed import Sealer

from . import domain, letters, store
from .api import TicketRead

CITIZEN_MISSING = (401, "citizen_required", "Masuk di gerbang Palapa untuk mengajukan atau melihat surat Anda")
NOT_YOURS = (404, "unknown_ticket", "Surat ini tidak ada di akun Anda")
NO_STORE = {"Cache-Control": "no-store"}
MAX_OPEN = 20  # letters an account may have waiting at once (a flood of requests is refused, not filed)
SEAL_PURPOSE = "simakel.applicant"
LETTER = TicketKind.SERVICE_REQUEST


class LetterCreate(BaseModel):
    letter_type: str = Field(min_length=1, max_length=8)
    letter_label: str = Field("", max_length=120)
    kelurahan: str = Field(min_length=1, max_length=80)
    kecamatan: str | None = Field(None, max_length=80)
    purpose: str | None = Field(None, max_length=500)
    name: str = Field(min_length=1, max_length=100)
    nik: str = Field(min_length=1, max_length=32)
    phone: str | None = Field(None, max_length=32)


class LetterRead(TicketRead):
    """The owner's view: the public one, and whether Si Makel has filed it yet (its own ticket, as a reference)."""

    legacy_ticket: str | None
    waiting_for_legacy: bool

    @classmethod
    def of(cls, t: domain.Ticket) -> LetterRead:
        return cls(**TicketRead.of(t).model_dump(), legacy_ticket=t.legacy_ticket,
                   waiting_for_legacy=letters.waiting(t))


def letters_router(runtime: Runtime, sealer: Sealer, source_app: str) -> APIRouter:
    router = APIRouter(tags=["citizen"])

    @router.post("/citizen/letters", status_code=201,
                 responses={401: {"description": "citizen_required"}, 422: {"description": "invalid_letter"},
                            429: {"description": "too_many_open"}})
    async def request_letter(body: LetterCreate, citizen: MaybeCitizen):
        """Request a letter from the kelurahan through Si Makel: the ticket now, filed in Si Makel by its bridge."""
        if citizen is None:
            return refusal(*CITIZEN_MISSING)
        try:
            form = letters.checked(letters.LetterForm(**body.model_dump()))
        except letters.LetterFormError as exc:
            return refusal(422, "invalid_letter", str(exc))
        now = datetime.now(UTC)
        ticket = letters.opened(letters.new_ticket(), form, citizen.subject, source_app, now)
        applicant = sealer.seal(ticket.ticket, {"nama": form.name, "nik": form.nik, "telepon": form.phone})
        command = RequestLetter(ticket=ticket.ticket, letter_type=form.letter_type, kelurahan=form.kelurahan,
                                kecamatan=form.kecamatan, purpose=form.purpose, applicant=applicant, requested_at=now)
        async with runtime.transaction() as tx:
            mine = await store.owned(tx.session, citizen.subject, LETTER, limit=MAX_OPEN + 1)
            if sum(letters.waiting(t) for t in mine) >= MAX_OPEN:
                return refusal(429, "too_many_open", "Terlalu banyak permohonan surat yang belum dicatat kelurahan")
            await store.insert(tx.session, ticket)
            # CaseFollowed first: notify-svc then puts the letter's views on the citizen's one stream
            followed = CaseFollowed(ticket=ticket.ticket, account=citizen.subject, how=FollowedHow.REQUESTED, at=now)
            tx.publish(Envelope(command, source=runtime.source, subject=ticket.ticket),
                       Envelope(followed, source=runtime.source, subject=ticket.ticket),
                       Envelope(domain.to_updated(ticket), source=runtime.source, subject=ticket.ticket))
        return JSONResponse(jsonable_encoder(LetterRead.of(ticket)), status_code=201, headers=NO_STORE)

    @router.get("/citizen/letters", responses={401: {"description": "citizen_required"}})
    async def my_letters(citizen: MaybeCitizen):
        """The signed-in citizen's letters, newest first (at most 100)."""
        if citizen is None:
            return refusal(*CITIZEN_MISSING)
        async with runtime.sessions() as session:
            mine = await store.owned(session, citizen.subject, LETTER)
        return JSONResponse(jsonable_encoder({"items": [LetterRead.of(t) for t in mine]}), headers=NO_STORE)

    @router.get("/citizen/letters/{ticket}", responses={401: {"description": "citizen_required"},
                                                         404: {"description": "unknown_ticket"}})
    async def my_letter(ticket: str, citizen: MaybeCitizen):
        """One of the citizen's letters with its timeline; another account's, or none, is 404 alike."""
        if citizen is None:
            return refusal(*CITIZEN_MISSING)
        if not is_ticket(ticket):
            return refusal(*NOT_YOURS)
        async with runtime.sessions() as session:
            found = await store.get(session, ticket)
        if found is None or found.owner != citizen.subject or found.kind is not LETTER:
            return refusal(*NOT_YOURS)
        return JSONResponse(jsonable_encoder(LetterRead.of(found)), headers=NO_STORE)

    return router
