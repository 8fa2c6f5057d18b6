"""Real local servers for the no-Docker run and for tests: the Tansu broker and an embedded PostgreSQL.

The only library that starts servers (tests/architecture keeps the embedded ones here): the launcher
(palapa.devstack) and the test library (palapa.testkit) import it.
"""

from .ports import free_port, wait_for_port
from .postgres import LocalPostgres, PostgresStartError, ensure_database
from .process import terminate
from .tansu import LocalTansu

__all__ = [
    "LocalPostgres", "LocalTansu", "PostgresStartError", "ensure_database", "free_port", "terminate", "wait_for_port",
]
