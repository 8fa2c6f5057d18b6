"""The case API: one complaint by ticket (as the caller's role may see it), listings, staff moves, ratings."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import CASE_STATUS_KIND, CaseStatus, StatusKind, is_ticket
from palapa.kit.auth import AuthError, MaybeStaff, Principal, Staff
from palapa.kit.capability import CaseKey, MaybeCitizen
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

from ..identity import Keys
from ..lifecycle import domain, legacy_moves, oversight, store
from ..routing.policy import Policies
from ..sla import domain as sla
from ..sla import store as sla_store
from . import keys
from .access import (
    KEY_MISSING,
    WRONG_KEY,
    account,
    leader_title,
    listing_scope,
    may_instruct,
    may_move,
    staff_reads,
    view_of,
)
from .citizen import BAD_TICKET, pin_refusal
from .params import BadParamError, decode_page_token, encode_page_token, parse_filters, parse_queue
from .texts import Text
from .views import Role, case_view


class StatusMove(BaseModel):
    status: CaseStatus
    note: Text | None = Field(None, max_length=2000, description="The reason (required to reject)")
    responsible: Text | None = Field(None, max_length=200, description="Who is responsible (not our remit)")
    duplicate_of: Text | None = Field(None, max_length=64, description="The original ticket (duplicate)")
    opd: Text | None = Field(None, pattern=r"^[A-Za-z0-9_-]{2,64}$",
                             description="The OPD to forward to (dispositioned)")


class CategoryChange(BaseModel):
    category: Text = Field(min_length=1, max_length=100)


class Reroute(BaseModel):
    opd: Text = Field(pattern=r"^[A-Za-z0-9_-]{2,64}$", description="The OPD to send the case to")
    reason: Text = Field(min_length=1, max_length=2000, description="Why (timeline and audit log)")


class Instruction(BaseModel):
    note: Text = Field(min_length=1, max_length=2000, description="The instruction (timeline and audit log)")


class PinExchange(BaseModel):
    pin: str = Field(min_length=1, max_length=12, description="The 6-digit PIN on the receipt")


class RatingCreate(BaseModel):
    stars: int = Field(ge=1, le=5)
    comment: Text | None = Field(None, max_length=2000)


def complaints_router(runtime: Runtime, policies: Policies, sealers: Keys | None = None) -> APIRouter:
    sealers = sealers or Keys.development()
    router = APIRouter(tags=["complaints"])

    async def holds(ticket: str, key: str | None, citizen) -> JSONResponse | None:
        """None when the key (capability or read token) or the signed-in owner opens the case, else the refusal.
        The same refusal whether the ticket exists or not: a ticket alone tells nothing."""
        if not key and citizen is None:
            return refusal(*KEY_MISSING)
        async with runtime.sessions() as session:
            if await keys.may_read(session, ticket, key, citizen, datetime.now(UTC)):
                return None
        return refusal(*WRONG_KEY)

    @router.get("/complaints/{ticket}",
                responses={401: {"description": "capability_required"}, 403: {"description": "wrong_key"},
                           404: {"description": "unknown_ticket"}, 422: {"description": "malformed_ticket"}})
    async def read_complaint(ticket: str, who: MaybeStaff, key: CaseKey, citizen: MaybeCitizen):
        """One complaint with its timeline, for its owner or whoever holds its capability (the X-Case-Key header:
        the private link's key, or a read token for ticket + PIN), and for staff as their role may see it
        (cases/access.py). The ticket alone opens nothing."""
        if not is_ticket(ticket):
            return refusal(*BAD_TICKET)
        if not staff_reads(who) and (refused := await holds(ticket, key, citizen)) is not None:
            return refused
        async with runtime.sessions() as session:
            await store.snapshot(session)
            case = await store.get(session, ticket)
            view = view_of(who, case) if case is not None else Role.PUBLIC
            if view is Role.PUBLIC and staff_reads(who) and case is not None:  # staff of another OPD
                if (refused := await holds(ticket, key, citizen)) is not None:
                    return refused
            if view is Role.PUBLIC:
                view = Role.OWNER
            reporter = await store.reporter(session, ticket, sealers) if view is Role.DESK else None
            rating = await sla_store.rating_of(session, ticket) if case is not None else None
        if case is None:
            if not staff_reads(who):  # its holder, a moment after filing: the intake has not opened it yet
                return refusal(404, "not_open_yet", f"Laporan {ticket} sedang diteruskan; coba lagi sebentar")
            return refusal(404, "unknown_ticket", f"Tiket {ticket} tidak ditemukan")
        return case_view(case, view, reporter, rating)

    @router.post("/complaints/{ticket}/access",
                 responses={403: {"description": "wrong_pin"}, 429: {"description": "pin_locked"}})
    async def exchange_pin(ticket: str, body: PinExchange):
        """Ticket + PIN → a read token (X-Case-Key) for READ_TOKEN_TTL. 5 wrong PINs in a row lock the ticket's
        PIN for 15 minutes; an unknown ticket answers as a wrong PIN."""
        if not is_ticket(ticket):
            return refusal(*BAD_TICKET)
        now = datetime.now(UTC)
        async with runtime.transaction() as tx:
            answer = await keys.try_pin(tx.session, ticket, body.pin.strip(), now)
        if answer is not None and answer.token is not None:
            return JSONResponse({"ticket": ticket, "read_token": answer.token, "header": "X-Case-Key",
                                 "expires_at": answer.expires_at.isoformat()}, headers={"Cache-Control": "no-store"})
        return pin_refusal(answer, now)

    @router.get("/complaints", responses={422: {"description": "bad parameter"}})
    async def list_complaints(
        who: MaybeStaff, opd: str | None = None, status: str | None = None, limit: str | None = None,
        cursor: str | None = None, overdue: str | None = None, category: str | None = None,
        kelurahan: str | None = None, order: str | None = None, mine: str | None = None,
    ):
        """Complaints newest first, filtered by OPD, status, overdue, category and kelurahan; follow next_cursor
        for more. `order=deadline` (the staff queue): the nearest deadline first, paged the same way. An OPD officer's
        listing holds its own OPD's cases only. `mine=true` (signed in): only the cases the caller acted on."""
        try:
            filters = parse_filters(opd, status, limit, overdue)
            queue = parse_queue(category, kelurahan, order, mine)
            after = decode_page_token(cursor) if cursor else None
            if after is not None and after.by_deadline != queue.by_deadline:
                raise BadParamError("invalid_cursor", "Cursor ini untuk urutan lain: mulai lagi dari halaman pertama")
        except BadParamError as exc:
            return refusal(422, exc.reason, exc.detail)
        if queue.mine and who is None:
            return refusal(401, "token_missing", "Kasus saya hanya untuk petugas yang masuk (Authorization: Bearer …)")
        view, scoped = listing_scope(who, filters.opd)  # a listing never carries identities, whoever asks
        async with runtime.sessions() as session:
            await store.snapshot(session)
            cases = await store.page(session, opd=scoped, status=filters.status, overdue=filters.overdue,
                                     now=datetime.now(UTC), limit=filters.limit + 1, after=after,
                                     category=queue.category, kelurahan=queue.kelurahan, by_deadline=queue.by_deadline,
                                     handled_by=who.subject if queue.mine and who else None,
                                     public_places=view is Role.PUBLIC)
        more = len(cases) > filters.limit
        cases = cases[:filters.limit]
        return {"items": [case_view(c, view) for c in cases],
                "next_cursor": encode_page_token(cases[-1], queue.by_deadline) if more and cases else None}

    async def refused(who: Principal, ticket: str, action: str, exc: AuthError, tried: dict) -> None:
        """A staff request refused for the case's OPD or role reached us: it goes on the audit log, alone."""
        async with runtime.transaction() as tx:
            tx.audit(who, f"{action}.refused", ("case", ticket), after=tried, why=exc.reason)

    async def command(ticket: str, who: Principal, decide, action: str, tried: dict, to_opd: str | None = None,
                      check=None):
        """Lock the case, check `who` may act on it (`check`, else may_move; a refusal is audited), apply `decide`,
        save, publish, audit."""
        if not is_ticket(ticket):
            return refusal(*BAD_TICKET)
        async with runtime.transaction() as tx:
            policy, calendar = await policies.current(tx.session)
            case = (await store.get_many(tx.session, [ticket], for_update=True)).get(ticket)
            if case is None:
                return refusal(404, "unknown_ticket", f"Tiket {ticket} tidak ditemukan")
            try:
                check(who, case) if check else may_move(who, case, to_opd)
            except AuthError as exc:
                denied = exc
            else:
                denied = None
                try:
                    new = decide(case, policy, datetime.now(UTC))
                except domain.RefusedError as exc:
                    return refusal(409, "refused", f"Perubahan ditolak: {exc}")
                if new is None:
                    return case_view(case, view_of(who, case))
                plan = sla.plan(new.status, new.opd, new.deadlines, calendar)
                await store.save_many(tx.session, [(new, _event_id())],
                                      {ticket: sla.first_check(plan, datetime.now(UTC))})
                tx.publish(Envelope(domain.to_updated(new), source=runtime.source, subject=ticket))
                legacy_moves.stage(tx, case, new, account(who), runtime.source)  # to the legacy app holding it
                kind = "case.reroute" if new.opd != case.opd else action
                tx.audit(who, kind, ("case", ticket), before=_state(case), after=_state(new), why=tried.get("note"))
        if denied is not None:  # the case's lock is released: the refusal is recorded in a transaction of its own
            await refused(who, ticket, action, denied, tried)
            raise denied
        return case_view(new, view_of(who, new))

    @router.post("/complaints/{ticket}/status")
    async def move_complaint(ticket: str, body: StatusMove, who: Staff):
        """Staff move a case through the lifecycle (an officer its own OPD's cases, the Sekda and the Wali Kota
        escalated ones, the desk any; sending it to another OPD is the desk's); an illegal move is refused (409)."""
        return await command(ticket, who, lambda case, policy, now: domain.move(
            case, body.status, now, policy=policy, note=body.note, responsible=body.responsible,
            duplicate_of=body.duplicate_of, opd=body.opd), "case.move", body.model_dump(mode="json"), body.opd)

    @router.post("/complaints/{ticket}/category")
    async def recategorise(ticket: str, body: CategoryChange, who: Staff):
        """Staff change the category; the routing table may send the case to another OPD (said in the timeline)."""
        return await command(ticket, who, lambda case, policy, now: domain.recategorise(
            case, body.category, now, policy=policy), "case.recategorise", body.model_dump(mode="json"))

    @router.post("/complaints/{ticket}/reroute", responses={409: {"description": "refused"}})
    async def reroute(ticket: str, body: Reroute, who: Staff):
        """The desk sends an open case to another OPD, with its reason (timeline and audit log); deadlines stay."""
        return await command(ticket, who, lambda case, policy, now: oversight.reroute(case, body.opd, now, body.reason),
                             "case.reroute", {"opd": body.opd, "note": body.reason}, body.opd)

    @router.post("/complaints/{ticket}/instruction", responses={409: {"description": "refused"}})
    async def instruct(ticket: str, body: Instruction, who: Staff):
        """The Sekda or the Wali Kota leave an instruction on an open case escalated to them (timeline, audit)."""
        return await command(ticket, who, lambda case, policy, now: oversight.instruct(
            case, now, body.note, leader_title(who)), "case.instruct", {"note": body.note}, check=may_instruct)

    @router.post("/complaints/{ticket}/rating", status_code=201)
    async def rate(ticket: str, body: RatingCreate, key: CaseKey, citizen: MaybeCitizen):
        """The reporter (its owner, or whoever holds its capability) rates the handling once the case is resolved:
        1 to 5 stars and a comment, once."""
        if not is_ticket(ticket):
            return refusal(*BAD_TICKET)
        if (refused := await holds(ticket, key, citizen)) is not None:
            return refused
        async with runtime.transaction() as tx:
            case = await store.get(tx.session, ticket)
            if case is None:
                return refusal(404, "unknown_ticket", f"Tiket {ticket} tidak ditemukan")
            if CASE_STATUS_KIND[case.status] is not StatusKind.FIXED:
                return refusal(409, "not_resolved", "Penilaian hanya dapat diberikan setelah pengaduan selesai")
            comment = " ".join((body.comment or "").split()) or None
            if not await sla_store.add_rating(tx.session, ticket, body.stars, comment, datetime.now(UTC)):
                return refusal(409, "already_rated", "Pengaduan ini sudah dinilai")
        return {"ticket": ticket, "stars": body.stars, "comment": comment}

    return router


def _state(case) -> dict:
    """What an audit record keeps of a case: its place in the lifecycle, never the reporter."""
    return {"status": case.status.value, "opd": case.opd, "category": case.category, "revision": case.revision}


def _event_id() -> str:
    return str(uuid.uuid4())
