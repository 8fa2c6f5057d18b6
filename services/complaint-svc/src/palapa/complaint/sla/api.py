"""Per-OPD figures: JSON at /stats/opd and a page in Bahasa Indonesia with inline SVG charts at /stats."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from palapa.kit.runtime import Runtime

from . import ontime, report, store
from .domain import escalated_to

PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


def stats_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["stats"])

    async def current() -> list[report.OpdFigures]:
        async with runtime.sessions() as session:
            return report.figures(await store.figure_rows(session))

    @router.get("/stats/opd")
    async def opd_stats():
        """Per OPD: cases, resolved, on-time rate (resolved by the follow-up deadline), median hours to resolve,
        average rating."""
        return {"items": [f.__dict__ for f in await current()]}

    @router.get("/stats/on-time")
    async def on_time(weeks: int = Query(4, ge=1, le=12)):
        """Per OPD and week (seven days back from now, oldest first): cases whose handling ended, how many by the
        follow-up deadline, and the rate; counts only."""
        now = datetime.now(UTC)
        async with runtime.sessions() as session:
            rows = await store.ended_since(session, now - ontime.WEEK * weeks)
        return {"until": now, "weeks": ontime.window(now, weeks), "items": [
            {"opd": o.opd, "closed": o.closed, "on_time": o.on_time, "rate": o.rate,
             "weeks": [{"starts": w.starts, "closed": w.closed, "on_time": w.on_time, "rate": w.rate}
                       for w in o.weeks]} for o in ontime.on_time_rates(rows, now, weeks)]}

    @router.get("/stats/service-level", responses={403: {"description": "role_missing"}})
    async def service_level():
        """The city's service level for those who oversee it (SRE, the desk, the Sekda, the Wali Kota): SLA
        breaches per OPD in the last seven days, and the escalations waiting per level (count, the oldest)."""
        now = datetime.now(UTC)
        since = now - ontime.WEEK
        async with runtime.sessions() as session:
            breaches = await store.breaches_since(session, since)
            waiting = await store.escalations_waiting(session)
        return {"since": since, "until": now,
                "breaches": [dict(r._mapping) for r in breaches],
                "escalations": [{"level": level, "to": escalated_to("OPD", min(level, 3)),
                                 "waiting": n, "oldest_at": oldest} for level, n, oldest in waiting]}

    @router.get("/stats", response_class=HTMLResponse, include_in_schema=False)
    async def stats_page():
        return HTMLResponse(report.page(await current(), datetime.now(UTC)), headers=PAGE_HEADERS)

    return router
