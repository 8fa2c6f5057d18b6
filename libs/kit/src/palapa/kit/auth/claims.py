"""Token claims → Principal: Keycloak's shapes (`realm_access.roles`, `groups`) and the plain ones (pure).

- roles: `realm_access.roles` (Keycloak expands group role mappings into it) and a flat `roles` list; names
  the platform does not know (offline_access, default-roles-…) are ignored;
- OPD: a group path `/opd/<CODE>` (e.g. `/opd/DISHUB`), or an `opd` claim (a string or a list);
- a client: a client-credentials token carries `client_id` (Keycloak ≥ 24; `clientId` before), or the
  service account's `preferred_username` `service-account-<client>`, or `gty: client_credentials`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .principal import Principal
from .roles import Role, role_of

OPD_GROUP = "/opd/"
OPD_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
SERVICE_ACCOUNT = "service-account-"


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    """The principal a validated token's claims describe (the caller has checked `sub` is a string)."""
    username = _text(claims.get("preferred_username"))
    client_id = _text(claims.get("client_id")) or _text(claims.get("clientId"))
    is_client = bool(client_id) or claims.get("gty") == "client_credentials" or (
        username is not None and username.startswith(SERVICE_ACCOUNT))
    if is_client and client_id is None:
        client_id = _text(claims.get("azp")) or (username or "")[len(SERVICE_ACCOUNT):] or None
    return Principal(
        subject=str(claims["sub"]),
        roles=roles_of(claims),
        opds=opds_of(claims),
        kind="client" if is_client else "person",
        client_id=client_id,
        name=username or _text(claims.get("name")),
        claims=dict(claims),
    )


def roles_of(claims: Mapping[str, Any]) -> frozenset[Role]:
    realm = claims.get("realm_access")
    names = [*_strings(realm.get("roles") if isinstance(realm, Mapping) else None), *_strings(claims.get("roles"))]
    return frozenset(r for r in map(role_of, names) if r is not None)


def opds_of(claims: Mapping[str, Any]) -> frozenset[str]:
    found = [g[len(OPD_GROUP):] for g in _strings(claims.get("groups")) if g.startswith(OPD_GROUP)]
    opd = claims.get("opd")
    found += [opd] if isinstance(opd, str) else list(_strings(opd))
    # a malformed code is dropped rather than trusted: it could never match a case's OPD anyway
    return frozenset(code for code in (f.strip().upper() for f in found) if OPD_CODE.fullmatch(code))


def _strings(value: Any) -> Iterable[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
