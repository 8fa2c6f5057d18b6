"""The rationalization report: its figures as JSON (GET /report), and as a page in Bahasa Indonesia with charts
(GET /report/page), served by the service itself: inline SVG and one stylesheet, nothing from elsewhere."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from palapa.kit.runtime import Runtime

from ..liveness import store as liveness_store
from ..registry import store
from .figures import report
from .render import page

CSS = Path(__file__).with_name("report.css")
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


def report_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["report"])

    @router.get("/report")
    async def rationalization_report() -> dict:
        """Counts by audience, kind, lifecycle and field, their crossings, and the consolidation plan."""
        async with runtime.sessions() as session:
            pairs = await store.all_apps(session)
            watches = await liveness_store.watches(session)
        return report((app for app, _ in pairs), watches)

    @router.get("/report/page", response_class=HTMLResponse)
    async def report_html() -> HTMLResponse:
        """The report as a page with charts, computed from the registry at each request."""
        async with runtime.sessions() as session:
            pairs = await store.all_apps(session)
            watches = await liveness_store.watches(session)
        return HTMLResponse(page(report((app for app, _ in pairs), watches)), headers=HEADERS)

    @router.get("/report/page.css", include_in_schema=False)
    async def report_css() -> FileResponse:
        return FileResponse(CSS, media_type="text/css; charset=utf-8", headers=HEADERS)

    return router
