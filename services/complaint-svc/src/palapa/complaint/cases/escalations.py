"""Escalations waiting for the city's leaders: open cases escalated past their OPD, for the Sekda (level 2), the
Wali Kota (level 3 and above) and the complaints desk (all of them)."""

from __future__ import annotations

from fastapi import APIRouter

from palapa.kit.auth import Staff
from palapa.kit.runtime import Runtime

from ..lifecycle import store
from .access import escalation_levels
from .views import Role, case_view

#: one page: a city's escalations at one level are few; more than this is a crisis the page says exists
LIMIT = 100


def escalations_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["complaints"])

    @router.get("/escalations", responses={403: {"description": "role_missing"}})
    async def waiting(who: Staff):
        """Open cases escalated to the caller's level, the longest waiting first (up to 100); no identity."""
        lowest, highest = escalation_levels(who)
        async with runtime.sessions() as session:
            await store.snapshot(session)
            found = await store.escalated(session, lowest, highest, LIMIT + 1)
        return {"lowest_level": lowest, "highest_level": highest, "more": len(found) > LIMIT,
                "items": [case_view(case, Role.OPD) | {"escalated_at": at} for case, at in found[:LIMIT]]}

    return router
