"""A signed-in staff area at the gate (`/petugas`, `/ops`): its sign-in, session cookie, CSRF check and sign-out.

Each area has its own paths and cookie (scoped to its path), and the same flow: OpenID Connect Authorization Code
with PKCE (oidc.py), server-side sessions (sessions.py), the session's CSRF token on every form. An area may admit
only some roles (`/ops`: SRE); a session without them sees a 403 page, never the area's data.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ..sessions import cookie_secure
from .oidc import Provider, SignInFailed
from .sessions import Session, Sessions

log = logging.getLogger(__name__)
MAX_FORM = 8 * 1024  # a staff form is a few fields; anything larger is not ours
NO_STORE = {"Cache-Control": "no-store"}

#: problem(status, message, session) → the area's message page
Problem = Callable[[int, str, Session | None], Response]


@dataclass
class Desk:
    path: str  # "/petugas"
    cookie: str  # "petugas_sesi"
    provider: Provider
    sessions: Sessions
    public_url: str | None
    problem: Problem
    roles: frozenset[str] = frozenset()  # the roles admitted (any one); empty: any signed-in staff
    clock: Callable[[], float] = field(default=time.time)

    def secure(self, request: Request) -> bool:
        return cookie_secure(request, self.public_url)

    def redirect_uri(self, request: Request) -> str:
        base = self.public_url or f"{request.headers.get('x-forwarded-proto', request.url.scheme)}://{request.url.netloc}"
        return base.rstrip("/") + f"{self.path}/callback"

    def current(self, request: Request) -> Session | None:
        return self.sessions.get(request.cookies.get(self.cookie), self.clock())

    def to_sign_in(self) -> RedirectResponse:
        return RedirectResponse(f"{self.path}/masuk", status_code=303, headers=NO_STORE)

    def admitted(self, request: Request) -> Session | Response:
        """The request's session when its roles are admitted here; else the redirect or the 403 to answer."""
        session = self.current(request)
        if session is None:
            return self.to_sign_in()
        if self.roles and not self.roles & set(session.roles):
            return self.problem(403, "Halaman ini hanya untuk peran " + ", ".join(sorted(self.roles)) + ".", session)
        return session

    async def form_of(self, request: Request, session: Session) -> dict[str, str] | Response:
        """The POSTed form's fields once its CSRF token is the session's; else the 403 (or 413) to answer."""
        body = await request.body()
        if len(body) > MAX_FORM:
            return self.problem(413, "Formulir terlalu besar.", session)
        try:
            fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), max_num_fields=20).items()}
        except (UnicodeDecodeError, ValueError):
            return self.problem(400, "Formulir tidak dapat dibaca.", session)
        if not session.csrf_ok(fields.get("csrf")):
            return self.problem(403, "Formulir kedaluwarsa atau bukan dari halaman ini (token CSRF tidak cocok). "
                                     "Muat ulang halaman lalu coba lagi.", session)
        return fields

    def router(self) -> APIRouter:
        """`<path>/masuk`, `<path>/callback` and `<path>/keluar`."""
        router = APIRouter(include_in_schema=False)

        @router.get(f"{self.path}/masuk")
        async def sign_in(request: Request) -> Response:
            pending = self.sessions.begin(self.clock())
            try:
                url = await self.provider.authorize_url(pending, self.redirect_uri(request))
            except SignInFailed as exc:
                log.warning("staff sign-in unavailable: %s", exc)
                return self.problem(503, "Layanan masuk petugas sedang tidak tersedia; coba lagi sebentar lagi.", None)
            return RedirectResponse(url, status_code=303, headers=NO_STORE)

        @router.get(f"{self.path}/callback")
        async def callback(request: Request, code: str | None = None, state: str | None = None) -> Response:
            pending = self.sessions.take_pending(state, self.clock())
            if pending is None or not code:
                return self.problem(400, "Proses masuk tidak dikenali atau sudah kedaluwarsa. "
                                         "Silakan masuk lagi.", None)
            try:
                token, principal = await self.provider.finish(code, pending, self.redirect_uri(request))
            except SignInFailed as exc:
                log.warning("staff sign-in refused: %s", exc)
                return self.problem(403, "Masuk gagal: identitas dari penyedia tidak dapat diterima. "
                                         "Silakan masuk lagi.", None)
            exp = principal.claims.get("exp")
            now = self.clock()
            session = self.sessions.open(token, principal.claims, principal, now,
                                         float(exp) if isinstance(exp, int | float) else now)
            answer = RedirectResponse(self.path, status_code=303, headers=NO_STORE)
            answer.set_cookie(self.cookie, session.sid, path=self.path, httponly=True, samesite="lax",
                              secure=self.secure(request))
            return answer

        @router.post(f"{self.path}/keluar")
        async def sign_out(request: Request) -> Response:
            session = self.current(request)
            if session is None:
                return self.to_sign_in()
            fields = await self.form_of(request, session)
            if isinstance(fields, Response):
                return fields
            self.sessions.close(session.sid)
            answer = self.problem(200, "Anda telah keluar.", None)
            answer.delete_cookie(self.cookie, path=self.path, httponly=True, samesite="lax",
                                 secure=self.secure(request))
            return answer

        return router
