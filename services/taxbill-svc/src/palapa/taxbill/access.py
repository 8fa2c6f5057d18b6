"""taxbill-svc's protection table: a PBB bill by its NOP, public as Cek PBB always was; a citizen's own NOPs; no
staff route."""

from __future__ import annotations

from palapa.kit.auth import ProtectionTable, Public

TABLE = ProtectionTable("taxbill-svc", [
    Public("GET", "/tax-bills/{nop}", why="anyone holding a NOP may see its bill, as in BPKPD's Cek PBB (amount, "
                                         "due date and status only: no taxpayer's name or address)"),
    Public("GET", "/citizen/tax-bills", why="a signed-in citizen's own list of NOPs: the route refuses without the "
                                            "gate's citizen token (401 citizen_required)"),
    Public("POST", "/citizen/tax-bills", why="a signed-in citizen follows a NOP: the route needs the citizen token; "
                                             "the bill is public by its NOP, the list is theirs"),
    Public("DELETE", "/citizen/tax-bills/{nop}", why="a signed-in citizen stops following a NOP: the route needs the "
                                                     "citizen token and touches only their list"),
])
