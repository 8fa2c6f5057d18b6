"""The ticket API: one letter request or incident by its ticket, as the citizen may see it."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from palapa.contracts.events import TICKET_MAX_LENGTH, TicketKind, is_ticket
from palapa.kit.auth import MaybeStaff
from palapa.kit.capability import MaybeCitizen
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

from . import domain, store


class StepRead(BaseModel):
    status: str
    label: str
    at: datetime
    note: str | None = None  # what the source app did: a correction, or its reason for refusing a letter


class TicketRead(BaseModel):
    """Public view only: what the ticket is about, where (kelurahan/kecamatan at most), and its timeline."""

    ticket: str
    kind: TicketKind
    title: str
    status: str
    status_label: str
    place: str | None
    source_app: str
    opened_at: datetime
    updated_at: datetime
    revision: int
    timeline: list[StepRead]

    @classmethod
    def of(cls, t: domain.Ticket) -> TicketRead:
        return cls(
            ticket=t.ticket, kind=t.kind, title=t.title, status=t.status, status_label=t.status_label, place=t.place,
            source_app=t.source_app, opened_at=t.opened_at, updated_at=t.updated_at, revision=t.revision,
            timeline=[StepRead(status=s.status, label=s.label, at=s.at, note=s.note) for s in t.timeline],
        )


def tickets_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["tickets"])

    @router.get("/tickets/{ticket}", response_model=TicketRead,
                responses={404: {"description": "unknown_ticket"}, 422: {"description": "malformed_ticket"}})
    async def read_ticket(ticket: str, citizen: MaybeCitizen, staff: MaybeStaff):
        """One letter request (SIMAKEL-…) or emergency incident (PSC119-…) with its status timeline, for staff who
        read cases (the table checked the token's role) or its owner (the gate's citizen token); anyone else gets
        the unknown ticket's answer, so a guessed number says nothing, not even that it exists."""
        if not is_ticket(ticket):
            return refusal(422, "malformed_ticket",
                           f"Nomor tiket tidak valid: gunakan huruf besar, angka dan '-', 3 sampai "
                           f"{TICKET_MAX_LENGTH} karakter (contoh: SIMAKEL-3107, PSC119-20461)")
        async with runtime.sessions() as session:
            found = await store.get(session, ticket)
        owner = found is not None and found.owner is not None and citizen is not None and (
            citizen.subject == found.owner)
        if found is None or not (owner or staff is not None):
            return refusal(404, "unknown_ticket", f"Tiket {ticket} tidak ditemukan")
        return TicketRead.of(found)

    return router
