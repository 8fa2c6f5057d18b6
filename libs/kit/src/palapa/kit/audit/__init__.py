"""The audit log: every staff action on the record, append-only, written with the change (see docs/access.md)."""

from .log import Auditor
from .query import audit_records
from .redaction import MASK, is_identity_field, redact, redact_text

__all__ = ["MASK", "Auditor", "audit_records", "is_identity_field", "redact", "redact_text"]
