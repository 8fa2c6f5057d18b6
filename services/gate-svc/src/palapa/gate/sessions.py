"""Server-side sessions of the gate (pure, in memory): staff's (/petugas) and citizens' share this.

The browser holds only a random id in an HttpOnly cookie; what the session knows stays here. A session ends after
`idle_s` without a request, at its absolute end (`ends`), or when closed. Each carries its CSRF token for every form.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from starlette.requests import Request

#: bounds memory against a flood of sessions
MAX_SESSIONS = 10_000


def new_id() -> str:
    """A session id or CSRF token: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(32)


def same_secret(expected: str, sent: str | None) -> bool:
    """Whether `sent` is `expected` (a CSRF token), in constant time."""
    return bool(sent) and bool(expected) and hmac.compare_digest(expected.encode(), sent.encode())


def cookie_secure(request: Request, public_url: str | None) -> bool:
    """Whether a session cookie gets Secure: the gate is reached over TLS (Caddy says so) or is public on https."""
    proto = request.headers.get("x-forwarded-proto", request.url.scheme)
    return proto == "https" or (public_url or "").startswith("https://")


@dataclass
class Session:
    sid: str
    csrf: str
    started: float
    last_seen: float
    ends: float  # the absolute end

    def csrf_ok(self, sent: str | None) -> bool:
        return same_secret(self.csrf, sent)


S = TypeVar("S", bound=Session)


@dataclass
class SessionBook(Generic[S]):
    """The live sessions of one kind, with the idle timeout; at most `limit` (the oldest go first)."""

    idle_s: float
    limit: int = MAX_SESSIONS
    live: dict[str, S] = field(default_factory=dict)

    def add(self, session: S) -> S:
        if len(self.live) >= self.limit:
            self.live = {k: s for k, s in self.live.items()
                         if session.started - s.last_seen <= self.idle_s and session.started < s.ends}
            while len(self.live) >= self.limit:
                self.live.pop(next(iter(self.live)))
        self.live[session.sid] = session
        return session

    def get(self, sid: str | None, now: float, touch: bool = True) -> S | None:
        """The live session `sid` names (its idle clock restarted, unless `touch` is False: a live stream's
        reconnection is no sign of the citizen), or None: unknown, idle too long, or over."""
        session = self.live.get(sid or "")
        if session is None:
            return None
        if now - session.last_seen > self.idle_s or now >= session.ends:
            del self.live[session.sid]
            return None
        if touch:
            session.last_seen = now
        return session

    def close(self, sid: str | None) -> None:
        self.live.pop(sid or "", None)
