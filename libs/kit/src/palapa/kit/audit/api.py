"""GET /audit: a service's audit log for the people who answer for it (SRE, the complaints desk, Sekda, Wali Kota).

Every service that audits mounts `audit_router(runtime)` and puts `AUDIT_RULE` in its protection table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from ..auth import Needs, Permission
from .query import MAX_PAGE, audit_records

if TYPE_CHECKING:  # the runtime imports the audit log: no import cycle at run time
    from ..runtime import Runtime

#: the rule of GET /audit in every service's protection table
AUDIT_RULE = Needs("GET", "/audit", Permission.AUDIT_READ)


def audit_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["audit"])

    @router.get("/audit")
    async def read_audit(
        actor: str | None = Query(None, max_length=200), object_type: str | None = Query(None, max_length=100),
        object_id: str | None = Query(None, max_length=200), since: AwareDatetime | None = None,
        until: AwareDatetime | None = None, before_id: int | None = Query(None, ge=1, le=2**62),
        limit: int = Query(100, ge=1, le=MAX_PAGE),
    ):
        """Staff actions newest first, filtered by actor, object and time; pass `next_before_id` for older ones."""
        async with runtime.sessions() as session:
            rows = await audit_records(session, runtime.audit_log, actor=actor, object_type=object_type,
                                       object_id=object_id, since=since, until=until, before_id=before_id,
                                       limit=limit)
        return {"items": rows, "next_before_id": rows[-1]["id"] if len(rows) == limit else None}

    return router
