"""Real local servers for the no-Docker run and for tests: the Tansu broker, an embedded PostgreSQL, an
OpenID Connect provider (oidc-provider-mock) with the seeded staff, and Caddy as the gate.

The only library that starts servers (tests/architecture keeps the embedded ones here): the launcher
(palapa.devstack) and the test library (palapa.testkit) import it.
"""

from .caddy import CADDYFILE, CaddyMissingError, LocalCaddy, caddy_binary
from .identity import IdentityProviderStartError, LocalIdentityProvider
from .ports import free_port, wait_for_port
from .postgres import LocalPostgres, PostgresStartError, ensure_database
from .process import terminate, terminate_all
from .staff import STAFF, STAFF_CLIENT, STAFF_CLIENT_SECRET
from .tansu import LocalTansu

__all__ = [
    "CADDYFILE", "CaddyMissingError", "LocalCaddy", "caddy_binary",
    "STAFF", "STAFF_CLIENT", "STAFF_CLIENT_SECRET", "IdentityProviderStartError", "LocalIdentityProvider",
    "LocalPostgres", "LocalTansu", "PostgresStartError", "ensure_database", "free_port", "terminate", "terminate_all",
    "wait_for_port",
]
