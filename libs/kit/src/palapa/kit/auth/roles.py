"""Roles are data: who the platform's staff and clients are, and what each may do.

A rule of a protection table names a permission (`catalog.write`); this table says which roles hold it and
whether it is scoped to the principal's own OPD. Changing who may do what is an edit of `ROLES`, nowhere else.
Role names are the identity provider's realm roles (Keycloak `realm_access.roles`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    DESK = "complaints-desk"  # Diskominfo's complaints desk: every case, routing, closures
    OPD_OFFICER = "opd-officer"  # an OPD's officer: only that OPD's cases
    SEKDA = "sekda"  # the city secretary: reads everything, acts on escalations
    WALI_KOTA = "wali-kota"  # the mayor: as the Sekda
    CATALOG_ADMIN = "catalog-admin"  # the app catalog: apps, census import, directory, synonyms
    SRE = "sre"  # operations: replays, dead letters, keys
    OPD_CLIENT = "opd-api-client"  # an OPD's program (client credentials): Open311, the messages API


class Permission(StrEnum):
    CASES_READ = "cases.read"
    CASES_MOVE = "cases.move"  # a lifecycle move of a case
    CASES_REROUTE = "cases.reroute"
    ESCALATIONS_ACT = "escalations.act"
    ROUTING_WRITE = "routing.write"  # the routing table and closures
    CATALOG_WRITE = "catalog.write"  # apps, census import, directory services, synonyms
    OPS = "ops"  # replays, dead letters, key issuance
    SIGNING_KEYS = "signing_keys.write"  # producers' event-signing keys: register, retire (catalog-svc)
    AUDIT_READ = "audit.read"
    OPEN311_WRITE = "open311.write"
    MESSAGES_SEND = "messages.send"


@dataclass(frozen=True)
class RoleSpec:
    """What one role may do; `own_opd` limits its OPD-scoped permissions to the principal's own OPD(s)."""

    title: str
    may: frozenset[Permission]
    own_opd: bool = False


P = Permission
ROLES: dict[Role, RoleSpec] = {
    Role.DESK: RoleSpec("Meja pengaduan (Diskominfo)", frozenset({
        P.CASES_READ, P.CASES_MOVE, P.CASES_REROUTE, P.ROUTING_WRITE, P.AUDIT_READ})),
    Role.OPD_OFFICER: RoleSpec("Petugas OPD", frozenset({P.CASES_READ, P.CASES_MOVE}), own_opd=True),
    Role.SEKDA: RoleSpec("Sekretaris Daerah", frozenset({P.CASES_READ, P.ESCALATIONS_ACT, P.AUDIT_READ})),
    Role.WALI_KOTA: RoleSpec("Wali Kota", frozenset({P.CASES_READ, P.ESCALATIONS_ACT, P.AUDIT_READ})),
    Role.CATALOG_ADMIN: RoleSpec("Admin katalog aplikasi", frozenset({P.CATALOG_WRITE, P.SIGNING_KEYS})),
    Role.SRE: RoleSpec("SRE (operasi)", frozenset({P.OPS, P.AUDIT_READ, P.SIGNING_KEYS})),
    Role.OPD_CLIENT: RoleSpec("Klien API OPD", frozenset({P.OPEN311_WRITE, P.MESSAGES_SEND}), own_opd=True),
}


def roles_granting(permission: Permission) -> tuple[Role, ...]:
    """The roles that hold `permission`, in the table's order (for refusal messages and docs)."""
    return tuple(role for role, spec in ROLES.items() if permission in spec.may)


def role_of(name: str) -> Role | None:
    """The role a realm role name stands for; None for the provider's own (offline_access, default-roles-…)."""
    try:
        return Role(name)
    except ValueError:
        return None
