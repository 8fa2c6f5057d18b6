"""tracking-svc's protection table: a ticket's public record, by its number; no staff route."""

from __future__ import annotations

from palapa.kit.auth import ProtectionTable, Public

TABLE = ProtectionTable("tracking-svc", [
    Public("GET", "/tickets/{ticket}", why="the citizen's record of a letter request or an emergency, by its number "
                                          "(statuses only: no identity, no address)"),
])
