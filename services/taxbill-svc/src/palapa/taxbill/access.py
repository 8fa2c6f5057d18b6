"""taxbill-svc's protection table: a PBB bill by its NOP, public as Cek PBB always was; no staff route."""

from __future__ import annotations

from palapa.kit.auth import ProtectionTable, Public

TABLE = ProtectionTable("taxbill-svc", [
    Public("GET", "/tax-bills/{nop}", why="anyone holding a NOP may see its bill, as in BPKPD's Cek PBB (amount, "
                                         "due date and status only: no taxpayer's name or address)"),
])
