"""Staff identity and authorization for every service: tokens, roles as data, the protection table.

- `TokenValidator` (tokens.py) checks an OpenID Connect bearer token against the issuer's JWKS (keys.py);
- `Principal` (principal.py) is who asks; `ROLES` (roles.py) says what each role may do; claims.py maps a
  token's claims (Keycloak's `realm_access.roles`, `groups`) onto them;
- `ProtectionTable` (protection.py) is a service's rules, enforced on its app by `protect` (guard.py).
"""

from __future__ import annotations

from .guard import REQUEST_ID, MaybeStaff, Staff, current_principal, optional_principal, protect, routes_of
from .keys import Jwks
from .principal import Principal, require_opd
from .protection import KIT_RULES, Authenticated, Needs, ProtectionError, ProtectionTable, Public
from .refusals import AuthError
from .roles import ROLES, Permission, Role, roles_granting
from .tokens import TokenValidator

__all__ = [
    "KIT_RULES", "REQUEST_ID", "ROLES", "AuthError", "Authenticated", "Jwks", "MaybeStaff", "Needs", "Permission",
    "Principal", "Staff",
    "ProtectionError", "ProtectionTable", "Public", "Role", "TokenValidator", "current_principal",
    "optional_principal", "protect", "require_opd", "roles_granting", "routes_of", "validator_from",
    "citizen_validator_from",
]


def validator_from(settings) -> TokenValidator | None:
    """The validator a service's settings describe; None without OIDC_ISSUER (development only: protected
    routes then answer 503 `auth_not_configured`)."""
    if not settings.oidc_issuer:
        return None
    return TokenValidator(Jwks(settings.oidc_issuer), audience=settings.oidc_audience, leeway_s=settings.oidc_leeway_s)


def citizen_validator_from(settings) -> TokenValidator | None:
    """The validator of the gate's citizen tokens (CITIZEN_ISSUER, CITIZEN_AUDIENCE); None without an issuer."""
    if not getattr(settings, "citizen_issuer", None):
        return None
    return TokenValidator(Jwks(settings.citizen_issuer), audience=settings.citizen_audience,
                          leeway_s=settings.oidc_leeway_s)
