"""The city's editable rules through the API: routing (with history: who, when, why) and its closures.

Writes need the complaints desk (cases/access.py's table); each is on the audit log in its own transaction.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from palapa.kit.auth import MaybeStaff, Permission, Principal, Staff
from palapa.kit.http import refusal
from palapa.kit.runtime import Runtime

from ..cases.access import account
from ..cases.texts import Text
from . import store
from .domain import Rule, normalise_category

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


def _key(category: str, kelurahan: str | None, kecamatan: str | None) -> str:
    """A routing rule's id in the audit log: category/kelurahan/kecamatan."""
    return "/".join((category, kelurahan or "*", kecamatan or "*"))[:200]


def _place(value: str | None) -> str | None:
    return " ".join((value or "").split()).lower() or None


def _accounts_for(who: Principal | None, rows: list[dict]) -> list[dict]:
    """Staff account names (`by`) are for the desk and the roles that read the audit log; the public sees every
    change and its reason, not which officer made it (docs/access.md)."""
    if who is not None and (who.may(Permission.ROUTING_WRITE) or who.may(Permission.AUDIT_READ)):
        return rows
    return [{**row, "by": None} for row in rows]


def admin_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["rules"])

    @router.get("/routes")
    async def list_routes():
        """The routing table: category (and kelurahan/kecamatan where set) → OPD, with per-category deadlines."""
        async with runtime.sessions() as session:
            return {"items": [r.__dict__ for r in await store.rules(session)]}

    @router.put("/routes")
    async def put_route(body: RuleWrite, who: Staff):
        """Add or change a rule; the change is recorded with who, when and why. Cases keep their OPD until re-routed."""
        category = normalise_category(body.category)
        if category is None:
            return refusal(422, "invalid_category", "Kategori tidak boleh kosong")
        rule = Rule(category, body.opd.upper(), _place(body.kelurahan), _place(body.kecamatan), body.forward_days,
                    body.follow_up_days)
        async with runtime.transaction() as tx:
            before = await store.set_rule(tx.session, rule, by=account(who), why=body.why, at=datetime.now(UTC))
            tx.audit(who, "routing.rule.put", ("route", _key(rule.category, rule.kelurahan, rule.kecamatan)),
                     before={"opd": before}, after=rule.__dict__, why=body.why)
        return {**rule.__dict__, "opd_before": before}

    @router.delete("/routes")
    async def delete_route(body: RuleDelete, who: Staff):
        """Remove a rule (its category then goes to triage), recorded like any change."""
        category, kelurahan, kecamatan = normalise_category(body.category) or "", _place(body.kelurahan), _place(
            body.kecamatan)
        async with runtime.transaction() as tx:
            before = await store.delete_rule(tx.session, category, kelurahan, kecamatan, by=account(who), why=body.why,
                                             at=datetime.now(UTC))
            if before is not None:
                tx.audit(who, "routing.rule.delete", ("route", _key(category, kelurahan, kecamatan)),
                         before={"opd": before}, why=body.why)
        if before is None:
            return refusal(404, "unknown_route", "Aturan tersebut tidak ada")
        return {"deleted": True, "opd_before": before}

    @router.get("/routes/history")
    async def route_history(who: MaybeStaff):
        """The last 100 changes of the routing table, newest first (account names for staff only)."""
        async with runtime.sessions() as session:
            return {"items": _accounts_for(who, await store.history(session))}

    @router.get("/closures")
    async def list_closures(who: MaybeStaff):
        """The city's own closures (on top of national holidays and cuti bersama; account names for staff only)."""
        async with runtime.sessions() as session:
            return {"items": _accounts_for(who, await store.closure_list(session))}

    @router.put("/closures/{day}")
    async def put_closure(day: date, body: ClosureWrite, who: Staff):
        """Close the city hall on `day`: deadlines computed from now on skip it (existing ones keep theirs)."""
        if not 2000 <= day.year <= 2200:
            return refusal(422, "invalid_day", "Tanggal di luar rentang 2000–2200")
        async with runtime.transaction() as tx:
            await store.add_closure(tx.session, day, body.reason, account(who), datetime.now(UTC))
            tx.audit(who, "routing.closure.put", ("closure", day.isoformat()), after={"reason": body.reason},
                     why=body.reason)
        return {"day": day, "reason": body.reason, "by": account(who)}

    @router.delete("/closures/{day}")
    async def delete_closure(day: date, who: Staff):
        async with runtime.transaction() as tx:
            if not await store.remove_closure(tx.session, day):
                return refusal(404, "unknown_closure", "Tanggal itu bukan hari libur kota")
            tx.audit(who, "routing.closure.delete", ("closure", day.isoformat()))
        return {"deleted": True}

    return router
