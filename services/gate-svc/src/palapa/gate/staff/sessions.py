"""Staff sessions and pending sign-ins (pure, in memory, one gate-svc process; the book is gate/sessions.py's).

The browser holds only a random session id; the staff token the provider issued stays here and is sent to
complaint-svc on the officer's behalf. A session ends after `idle_s` without a request, after `max_s` in all,
or when the token expires, whichever comes first. Each session has its CSRF token for every form.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field

from palapa.kit.auth import ROLES, Permission
from palapa.kit.auth.roles import role_of

from ..sessions import Session as BaseSession
from ..sessions import SessionBook, new_id

#: pending sign-ins live this long: a person takes a minute at the provider's form, not an hour
PENDING_S = 600
#: bounds memory against a flood of started-and-abandoned sign-ins or sessions
MAX_PENDING = 10_000


@dataclass(frozen=True)
class Pending:
    """A sign-in under way: what the callback must see again (state, nonce) and the PKCE verifier."""

    state: str
    nonce: str
    verifier: str
    started: float

    @property
    def challenge(self) -> str:
        digest = hashlib.sha256(self.verifier.encode()).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class Session(BaseSession):
    """An officer's session; its absolute end is max_s after sign-in or the token's expiry, the earlier."""

    token: str
    subject: str
    name: str
    roles: tuple[str, ...]
    opds: tuple[str, ...]

    def may(self, permission: Permission) -> bool:
        """Whether a role of this session holds `permission`: only what the pages offer; complaint-svc decides."""
        return any(permission in ROLES[role].may for role in map(role_of, self.roles) if role is not None)


@dataclass
class Sessions:
    idle_s: float
    max_s: float
    pending: dict[str, Pending] = field(default_factory=dict)
    book: SessionBook[Session] = field(init=False)

    def __post_init__(self) -> None:
        self.book = SessionBook(self.idle_s)

    def begin(self, now: float) -> Pending:
        """A new sign-in: its state, nonce and PKCE verifier, kept until the callback (or PENDING_S)."""
        self._forget_old(now)
        pending = Pending(secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48), now)
        self.pending[pending.state] = pending
        return pending

    def take_pending(self, state: str | None, now: float) -> Pending | None:
        """The sign-in `state` names, once: a replayed or unknown state finds nothing."""
        pending = self.pending.pop(state or "", None)
        if pending is None or now - pending.started > PENDING_S:
            return None
        return pending

    def open(self, token: str, claims: dict, principal, now: float, token_exp: float) -> Session:
        return self.book.add(Session(
            sid=new_id(), token=token, subject=principal.subject,
            name=str(claims.get("name") or claims.get("preferred_username") or principal.subject)[:100],
            roles=tuple(sorted(str(r) for r in principal.roles)), opds=tuple(sorted(principal.opds)),
            csrf=new_id(), started=now, last_seen=now, ends=min(now + self.max_s, token_exp)))

    def get(self, sid: str | None, now: float) -> Session | None:
        """The live session `sid` names (its idle clock restarted), or None: unknown, idle too long, or over."""
        return self.book.get(sid, now)

    def close(self, sid: str | None) -> None:
        self.book.close(sid)

    def _forget_old(self, now: float) -> None:
        if len(self.pending) >= MAX_PENDING:
            self.pending = {k: p for k, p in self.pending.items() if now - p.started <= PENDING_S}
            while len(self.pending) >= MAX_PENDING:  # still full: the oldest go first
                self.pending.pop(next(iter(self.pending)))
