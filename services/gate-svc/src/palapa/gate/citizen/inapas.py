"""Sign-in through INApas, the national SSO (issue 20's level 3, NIK verified): OpenID Connect Authorization Code
with PKCE, state and nonce, as the staff sign-in does (staff/oidc.py's Provider, staff/sessions.py's pending
sign-ins). Locally oidc-provider-mock plays INApas. The account is a keyed hash of INApas's subject; the NIK, when
INApas gives one, is neither kept nor shown.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ..sessions import cookie_secure
from ..staff.oidc import Provider, SignInFailed
from ..staff.sessions import Sessions
from .accounts import COOKIE, Citizens
from .codes import Verified

log = logging.getLogger(__name__)
NO_STORE = {"Cache-Control": "no-store"}


def account_of(subject: str, secret: bytes) -> str:
    """The account an INApas subject keys (`inapas-` and 128 bits of its HMAC: never the subject itself)."""
    return "inapas-" + hmac.new(secret, f"inapas:{subject}".encode(), hashlib.sha256).hexdigest()[:32]


def inapas_router(provider: Provider | None, pending: Sessions, citizens: Citizens, public_url: str | None,
                  message, clock) -> APIRouter:
    """`message(title, text, status)`: the pages' notice; `provider` None: INApas is not configured (503)."""
    router = APIRouter(tags=["warga"], include_in_schema=False)

    def redirect_uri(request: Request) -> str:
        base = public_url or f"{request.headers.get('x-forwarded-proto', request.url.scheme)}://{request.url.netloc}"
        return base.rstrip("/") + "/masuk/inapas/kembali"

    @router.get("/masuk/inapas")
    async def start(request: Request) -> Response:
        if provider is None:
            return message("Masuk", "Masuk dengan INApas belum tersedia di sini.", 503)
        try:
            url = await provider.authorize_url(pending.begin(clock()), redirect_uri(request))
        except SignInFailed as exc:
            log.warning("INApas sign-in unavailable: %s", exc)
            return message("Masuk", "INApas sedang tidak dapat dihubungi; coba lagi sebentar lagi.", 503)
        return RedirectResponse(url, status_code=303, headers=NO_STORE)

    @router.get("/masuk/inapas/kembali")
    async def back(request: Request, code: str | None = None, state: str | None = None) -> Response:
        waiting = pending.take_pending(state, clock())
        if provider is None or waiting is None or not code:
            return message("Masuk", "Proses masuk tidak dikenali atau sudah kedaluwarsa. Silakan masuk lagi.", 400)
        try:
            _, principal = await provider.finish(code, waiting, redirect_uri(request))
        except SignInFailed as exc:
            log.warning("INApas sign-in refused: %s", exc)
            return message("Masuk", "Masuk gagal: identitas dari INApas tidak dapat diterima. Silakan masuk lagi.", 403)
        name = str(principal.claims.get("name") or "Akun INApas")[:100]
        session = citizens.open(Verified(account_of(principal.subject, citizens.secret), name), clock(), assurance=3)
        signed_in = RedirectResponse("/kasus", status_code=303, headers=NO_STORE)
        signed_in.set_cookie(COOKIE, session.sid, path="/", httponly=True, samesite="lax",
                             secure=cookie_secure(request, public_url))
        return signed_in

    return router
