"""ops-svc's protection table: everything is SRE's (the dead letters hold what consumers refused, masked or not)."""

from __future__ import annotations

from palapa.kit.audit.api import AUDIT_RULE
from palapa.kit.auth import Needs, Permission, ProtectionTable

TABLE = ProtectionTable("ops-svc", [
    Needs("GET", "/dead-letters", Permission.OPS),
    Needs("GET", "/dead-letters/rate", Permission.OPS),
    Needs("GET", "/dead-letters/{letter_id}", Permission.OPS),
    Needs("POST", "/dead-letters/{letter_id}/redrive", Permission.OPS),
    Needs("POST", "/dead-letters/{letter_id}/discard", Permission.OPS),
    Needs("GET", "/consumers/lag", Permission.OPS),
    Needs("GET", "/dead-letters/offsets", Permission.OPS),
    AUDIT_RULE,
])
