"""The gate's rate limiter: Caddy asks `/_gate/limit` (forward_auth) before a form, a sign-in or a look-up.

Caddy's standard build has no rate limiter (`caddy list-modules`), so the count lives here. Caddy forwards the
client's address in X-Forwarded-For (it trusts no proxy in front of it, so a client cannot set it) and the
request's method and URI in X-Forwarded-Method / X-Forwarded-Uri. A 2xx lets the request through; anything
else, here a 429 with Retry-After, is what the client gets. The counts are per process (one gate-svc).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import APIRouter, Request, Response

from palapa.kit.http import refusal

from .citizen.accounts import STREAM_CHECK
from .domain import Limit, RateLimiter, bucket_for
from .settings import GateSettings

WHAT = {"signin": "masuk", "form": "mengirim formulir", "lookup": "mencari tagihan"}


def limiter_of(settings: GateSettings) -> RateLimiter:
    return RateLimiter({"signin": Limit(settings.signin_burst, settings.signin_per_minute),
                        "form": Limit(settings.form_burst, settings.form_per_minute),
                        "lookup": Limit(settings.lookup_burst, settings.lookup_per_minute)})


def limit_router(limiter: RateLimiter, clock=time.monotonic,
                 citizen_token: Callable[[Request], str | None] | None = None,
                 stream_token: Callable[[Request], str | None] | None = None) -> APIRouter:
    """`citizen_token`: the token of the request's signed-in citizen (from its session cookie), which the 2xx
    carries in X-Citizen-Token for Caddy to copy onto the request it forwards (a complaint filed while signed in).
    `stream_token`: the same without restarting the session's idle clock, for `/_gate/warga`."""
    router = APIRouter(tags=["gate"], include_in_schema=False)

    @router.get(STREAM_CHECK)
    async def citizen_stream(request: Request) -> Response:
        """Before a citizen's live stream (`/kasus/aliran` → notify-svc): 204 with the session's citizen token, or
        401 with the reason (no session, an unknown or ended one: signed out, idle, forged)."""
        token = stream_token(request) if stream_token is not None else None
        if not token:
            answer = refusal(401, "citizen_session_required",
                             "Masuk di gerbang Palapa untuk mengikuti kasus Anda secara langsung (sesi tidak ada "
                             "atau sudah berakhir)")
            answer.headers["Cache-Control"] = "no-store"
            return answer
        return Response(status_code=204, headers={"X-Citizen-Token": token, "Cache-Control": "no-store"})

    def through(request: Request) -> Response:
        answer = Response(status_code=204)
        token = citizen_token(request) if citizen_token is not None else None
        if token:
            answer.headers["X-Citizen-Token"] = token
        return answer

    @router.get("/_gate/limit")
    async def check(request: Request) -> Response:
        client = request.headers.get("x-forwarded-for", "").split(",")[0].strip()
        client = client or (request.client.host if request.client else "?")
        method = request.headers.get("x-forwarded-method", "GET")
        bucket = bucket_for(method, request.headers.get("x-forwarded-uri", "/"))
        if bucket is None:
            return through(request)
        wait = limiter.take(bucket, client[:64], clock())
        if wait is None:
            return through(request)
        answer = refusal(429, "rate_limited",
                         f"Terlalu banyak percobaan {WHAT[bucket]} dari alamat Anda; coba lagi dalam {wait} detik")
        answer.headers["Retry-After"] = str(wait)
        return answer

    return router
