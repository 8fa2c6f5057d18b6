"""The citizen page's link to the directory's search page, which catalog-svc serves (NOTIFY_DIRECTORY_URL)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from .settings import NotifySettings


def directory_link_router(settings: NotifySettings) -> APIRouter:
    router = APIRouter(tags=["page"], include_in_schema=False)

    @router.get("/layanan")
    async def directory() -> RedirectResponse:
        return RedirectResponse(settings.directory_url, status_code=303)

    return router
