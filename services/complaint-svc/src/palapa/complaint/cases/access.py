"""Who is asking: the public unless the gateway vouches for staff with the shared token (pure parsing)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from .views import Role


@dataclass(frozen=True)
class Caller:
    role: Role
    user: str | None = None

    @property
    def staff(self) -> bool:
        return self.role is not Role.PUBLIC


def caller(token: str | None, authorization: str | None, role: str | None, user: str | None) -> Caller:
    """Staff only with `Authorization: Bearer <COMPLAINT_STAFF_TOKEN>` (never when no token is configured);
    `X-Palapa-Role: opd | desk` picks the view, `X-Palapa-User` names who edits."""
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not token or not given or not hmac.compare_digest(given.encode(), token.encode()):
        return Caller(Role.PUBLIC)
    wanted = (role or "opd").strip().lower()
    name = "".join(ch for ch in " ".join((user or "").split()) if ch.isprintable())[:100] or None
    return Caller(Role.DESK if wanted == "desk" else Role.OPD, name)
