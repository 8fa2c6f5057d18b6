"""What every page of the staff workspace shares: its headers, rendering, refusals, and the guard that finds the
session (else a redirect to the sign-in) and reads a POSTed form once its CSRF token is the session's (else 403):
the desk's (desk.py), which also signs staff in and out."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from palapa.contracts.events import CASE_STATUS_LABELS, CaseStatus

from ..pages import TEMPLATES
from .desk import Desk
from .sessions import Session

COOKIE = "petugas_sesi"
STAFF_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self'; "
                               "form-action 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # a case's page may carry a reporter's identity: never kept by a cache
}
LABELS = {s.value: CASE_STATUS_LABELS.get(s, s.value) for s in CaseStatus}


def page(name: str, status: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(TEMPLATES.get_template(name).render(labels=LABELS, **context), status_code=status,
                        headers=STAFF_HEADERS)


def problem(status: int, message: str, session: Session | None = None) -> HTMLResponse:
    return page("petugas_pesan.html", status, title="Petugas", message=message, who=session)


def to_sign_in() -> RedirectResponse:
    return see("/petugas/masuk")


def see(path: str) -> RedirectResponse:
    """303 to another page of the workspace (after a POST, or to the sign-in)."""
    return RedirectResponse(path, status_code=303, headers={"Cache-Control": "no-store"})


def refusal_text(body: dict, default: str) -> str:
    """complaint-svc's reason in Bahasa Indonesia (`detail`), else `default`."""
    detail = body.get("detail")
    return detail if isinstance(detail, str) else default


class Guard:
    """The session a request carries, and its CSRF-checked forms: the desk's (desk.py), for the pages' routers."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def current(self, request: Request) -> Session | None:
        return self.desk.current(request)

    async def form(self, request: Request, session: Session) -> dict[str, str] | Response:
        """The POSTed form's fields once its CSRF token is the session's; else the 403 (or 413, 400) to answer."""
        return await self.desk.form_of(request, session)
