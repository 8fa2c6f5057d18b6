"""Who is asking: a person or an OPD's client, with their roles and OPD scope (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .roles import ROLES, Permission, Role


@dataclass(frozen=True)
class Principal:
    """The subject of a validated token; what it may do follows from its roles (`ROLES`)."""

    subject: str
    roles: frozenset[Role] = frozenset()
    opds: frozenset[str] = frozenset()  # the OPD codes it belongs to (e.g. DISHUB), from the token
    kind: Literal["person", "client"] = "person"
    client_id: str | None = None  # the OAuth client of a client-credentials token
    name: str | None = None  # a display name (preferred_username), never used to decide anything
    claims: dict = field(default_factory=dict, compare=False, repr=False)

    def may(self, permission: Permission) -> bool:
        """True when some role of this principal holds `permission` (for at least one OPD when it is scoped)."""
        return any(permission in ROLES[r].may for r in self.roles)

    def may_for_opd(self, permission: Permission, opd: str | None) -> bool:
        """True when some role holds `permission` city-wide, or for `opd` when the role is limited to its own."""
        for role in self.roles:
            spec = ROLES[role]
            if permission in spec.may and (not spec.own_opd or (opd is not None and opd.upper() in self.opds)):
                return True
        return False

    def scoped(self, permission: Permission) -> frozenset[str] | None:
        """The OPDs `permission` is limited to for this principal, or None when it holds it city-wide."""
        if any(permission in ROLES[r].may and not ROLES[r].own_opd for r in self.roles):
            return None
        return self.opds if self.may(permission) else frozenset()


def require_opd(principal: Principal, permission: Permission, opd: str | None) -> None:
    """Refuse (403 `wrong_opd`) unless `principal` may use `permission` for `opd`: e.g. a case's OPD, read from
    the database, before an officer moves it."""
    from .refusals import forbidden

    if not principal.may_for_opd(permission, opd):
        raise forbidden("wrong_opd", "Anda hanya dapat menangani urusan OPD Anda sendiri")
