"""Citizens' sessions and sign-in state (pure, in memory) and who is signed in on the request being served.

In memory, on purpose: the account is a keyed hash of the number (phone.account_of), so it needs no store and is
the same after a restart; what a case's owner is lives in complaint-svc. What memory holds is short-lived: codes
(5 minutes) and sessions (idle 30 minutes). A restart signs citizens out and voids codes in flight; gate-svc runs
one replica (its rate limiter counts in memory too), so no second replica misses them.
"""

from __future__ import annotations

import secrets
from contextvars import ContextVar
from dataclasses import dataclass, field

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from ..sessions import Session, SessionBook, new_id
from .codes import CodeBook, Verified
from .once import FormOnce
from .tokens import Minter

COOKIE = "warga_sesi"
#: Caddy asks this before a citizen's live stream (limit.py): it must not restart the session's idle clock
STREAM_CHECK = "/_gate/warga"
#: a token is minted again when less than this is left of it
REMINT_S = 60


@dataclass
class CitizenSession(Session):
    account: str
    mask: str  # +62 812****7890: the only form of the number the gate keeps (INApas: the name it gave)
    assurance: int = 2  # issue 20's level: 2 phone verified, 3 NIK verified (INApas)
    token: str = ""
    token_exp: float = 0.0
    forms: FormOnce = field(default_factory=FormOnce)  # what each form's key made (a double click: once)


class Citizens:
    def __init__(self, settings, minter: Minter) -> None:
        self.codes = CodeBook(secrets.token_bytes(32), ttl_s=settings.code_ttl_s, max_tries=settings.code_max_tries,
                              lock_s=settings.code_lock_s, sends=settings.codes_per_number,
                              window_s=settings.codes_window_s)
        self.book: SessionBook[CitizenSession] = SessionBook(settings.citizen_idle_s)
        self.max_s = settings.citizen_max_s
        self.secret = settings.account_secret.get_secret_value().encode()
        self.minter = minter

    def open(self, verified: Verified, now: float, assurance: int = 2) -> CitizenSession:
        """A new session (a new id: never one the browser brought) for the account a code (or INApas) proved."""
        return self.book.add(CitizenSession(sid=new_id(), csrf=new_id(), started=now, last_seen=now,
                                            ends=now + self.max_s, account=verified.account, mask=verified.mask,
                                            assurance=assurance))

    def get(self, sid: str | None, now: float, touch: bool = True) -> CitizenSession | None:
        return self.book.get(sid, now, touch)

    def close(self, sid: str | None) -> None:
        self.book.close(sid)

    def token(self, session: CitizenSession, now: float) -> str:
        """A citizen token for the session's account (kept and reused while it has REMINT_S left)."""
        if session.token_exp - now < REMINT_S:
            session.token = self.minter.mint(session.account, now, session.assurance)
            session.token_exp = now + self.minter.ttl_s
        return session.token


#: the signed-in citizen of the request being served (the header bar of every page reads it)
CURRENT: ContextVar[CitizenSession | None] = ContextVar("palapa_gate_citizen", default=None)


class WhoIsSignedIn:
    """ASGI middleware: puts the request's live citizen session (if any) in CURRENT for the pages."""

    def __init__(self, app: ASGIApp, citizens: Citizens, clock) -> None:
        self.app, self.citizens, self.clock = app, citizens, clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sid = HTTPConnection(scope).cookies.get(COOKIE)
        if scope.get("path") == STREAM_CHECK:  # a live stream's (re)connection: not the citizen's activity
            sid = None
        token = CURRENT.set(self.citizens.get(sid, self.clock()) if sid else None)
        try:
            await self.app(scope, receive, send)
        finally:
            CURRENT.reset(token)
