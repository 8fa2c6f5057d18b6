"""The city's editable rules through the API: routing (with history: who, when, why) and its closures."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import APIRouter, Header
from pydantic import BaseModel, Field

from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

from ..cases.access import caller
from ..cases.texts import Text
from . import store
from .domain import Rule, normalise_category

STAFF_ONLY = (403, "staff_only", "Hanya petugas (dengan token dan nama pengguna) yang dapat mengubah aturan")
OPD = r"^[A-Za-z0-9_-]{2,64}$"


class RuleWrite(BaseModel):
    category: Text = Field(min_length=1, max_length=100)
    kelurahan: Text | None = Field(None, max_length=100)
    kecamatan: Text | None = Field(None, max_length=100)
    opd: Text = Field(pattern=OPD)
    forward_days: int | None = Field(None, ge=1, le=60, description="Working days to verify and forward")
    follow_up_days: int | None = Field(None, ge=1, le=260, description="Working days to follow up")
    why: Text = Field(min_length=3, max_length=500)


class RuleDelete(BaseModel):
    category: Text = Field(min_length=1, max_length=100)
    kelurahan: Text | None = Field(None, max_length=100)
    kecamatan: Text | None = Field(None, max_length=100)
    why: Text = Field(min_length=3, max_length=500)


class ClosureWrite(BaseModel):
    reason: Text = Field(min_length=3, max_length=200)


def _place(value: str | None) -> str | None:
    return " ".join((value or "").split()).lower() or None


def admin_router(runtime: Runtime, staff_token: str | None) -> APIRouter:
    router = APIRouter(tags=["rules"])

    def staff(authorization, user):
        c = caller(staff_token, authorization, "opd", user)
        return c if c.staff and c.user else None

    @router.get("/routes")
    async def list_routes():
        """The routing table: category (and kelurahan/kecamatan where set) → OPD, with per-category deadlines."""
        async with runtime.sessions() as session:
            return {"items": [r.__dict__ for r in await store.rules(session)]}

    @router.put("/routes")
    async def put_route(body: RuleWrite, authorization: str | None = Header(None),
                        x_palapa_user: str | None = Header(None)):
        """Add or change a rule; the change is recorded with who, when and why. Cases keep their OPD until re-routed."""
        if (c := staff(authorization, x_palapa_user)) is None:
            return refusal(*STAFF_ONLY)
        category = normalise_category(body.category)
        if category is None:
            return refusal(422, "invalid_category", "Kategori tidak boleh kosong")
        rule = Rule(category, body.opd.upper(), _place(body.kelurahan), _place(body.kecamatan), body.forward_days,
                    body.follow_up_days)
        async with runtime.transaction() as tx:
            before = await store.set_rule(tx.session, rule, by=c.user, why=body.why, at=datetime.now(UTC))
        return {**rule.__dict__, "opd_before": before}

    @router.delete("/routes")
    async def delete_route(body: RuleDelete, authorization: str | None = Header(None),
                           x_palapa_user: str | None = Header(None)):
        """Remove a rule (its category then goes to triage), recorded like any change."""
        if (c := staff(authorization, x_palapa_user)) is None:
            return refusal(*STAFF_ONLY)
        async with runtime.transaction() as tx:
            before = await store.delete_rule(
                tx.session, normalise_category(body.category) or "", _place(body.kelurahan), _place(body.kecamatan),
                by=c.user, why=body.why, at=datetime.now(UTC))
        if before is None:
            return refusal(404, "unknown_route", "Aturan tersebut tidak ada")
        return {"deleted": True, "opd_before": before}

    @router.get("/routes/history")
    async def route_history():
        """The last 100 changes of the routing table, newest first."""
        async with runtime.sessions() as session:
            return {"items": await store.history(session)}

    @router.get("/closures")
    async def list_closures():
        """The city's own closures (on top of national holidays and cuti bersama)."""
        async with runtime.sessions() as session:
            return {"items": await store.closure_list(session)}

    @router.put("/closures/{day}")
    async def put_closure(day: date, body: ClosureWrite, authorization: str | None = Header(None),
                          x_palapa_user: str | None = Header(None)):
        """Close the city hall on `day`: deadlines computed from now on skip it (existing ones keep theirs)."""
        if (c := staff(authorization, x_palapa_user)) is None:
            return refusal(*STAFF_ONLY)
        if not 2000 <= day.year <= 2200:
            return refusal(422, "invalid_day", "Tanggal di luar rentang 2000–2200")
        async with runtime.transaction() as tx:
            await store.add_closure(tx.session, day, body.reason, c.user, datetime.now(UTC))
        return {"day": day, "reason": body.reason, "by": c.user}

    @router.delete("/closures/{day}")
    async def delete_closure(day: date, authorization: str | None = Header(None),
                             x_palapa_user: str | None = Header(None)):
        if staff(authorization, x_palapa_user) is None:
            return refusal(*STAFF_ONLY)
        async with runtime.transaction() as tx:
            if not await store.remove_closure(tx.session, day):
                return refusal(404, "unknown_closure", "Tanggal itu bukan hari libur kota")
        return {"deleted": True}

    return router
