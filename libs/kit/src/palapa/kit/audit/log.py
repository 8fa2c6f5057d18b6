"""Writing the audit log: one row per staff action, in the caller's transaction, and its AuditRecorded event.

Used through the unit of work: `tx.audit(principal, "catalog.app.change", ("app", "cctv"), before, after, why)`.
The row and the event's outbox row commit with the change itself, or not at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace
from sqlalchemy import Table

from palapa.contracts.envelope import Envelope
from palapa.contracts.events.platform import AuditRecorded

from ..auth.guard import REQUEST_ID
from ..auth.principal import Principal
from .redaction import redact, redact_text

MAX_WHY = 2000
ANONYMOUS = "anonim"  # the actor of a record with no verified principal (a refused, missing or invalid token)
MAX_STATE_BYTES = 256 * 1024  # before/after each; a record that large is a mistake, refused at the call


@dataclass(frozen=True)
class Auditor:
    """The audit log of one service: its table and the name its events carry."""

    table: Table
    service: str
    source: str

    def entry(
        self,
        principal: Principal | None,
        action: str,
        obj: tuple[str, str],
        before: Any = None,
        after: Any = None,
        why: str | None = None,
        *,
        at: datetime | None = None,
    ) -> tuple[dict, Envelope]:
        """The audit row and its event (identity redacted); raises ValueError for a malformed call. Without a
        principal (a refusal of a missing or invalid token: nobody is verified) the actor is `anonim`."""
        object_type, object_id = (str(part) for part in obj)
        if not action or len(action) > 100 or not object_type or len(object_type) > 100 or len(object_id) > 200:
            raise ValueError(f"audit: action/object too long or empty: {action!r} {obj!r}")
        why = redact_text(why.strip())[:MAX_WHY] if why and why.strip() else None
        at = at or datetime.now(UTC)
        event = AuditRecorded(
            service=self.service, at=at, actor=principal.subject[:200] if principal else ANONYMOUS,
            actor_kind=principal.kind if principal else "unverified",
            actor_roles=sorted(r.value for r in principal.roles) if principal else [],
            actor_opds=sorted(principal.opds) if principal else [], action=action,
            object_type=object_type, object_id=object_id, before=_state(before), after=_state(after), why=why,
            request_id=REQUEST_ID.get(), trace_id=_trace_id(),
        )
        envelope = Envelope(event, source=self.source, subject=f"{object_type}:{object_id}")
        row = event.model_dump(exclude={"service"}) | {"event_id": envelope.id}
        return row, envelope


def _state(value: Any) -> dict | None:
    """A JSON object of the redacted state (a scalar or list is wrapped as {"value": …})."""
    if value is None:
        return None
    wrapped = value if isinstance(value, dict) else {"value": value}
    encoded = json.dumps(wrapped, default=str, ensure_ascii=False)  # dates, decimals, enums as text
    if len(encoded.encode()) > MAX_STATE_BYTES:  # checked before redaction, which walks every text
        raise ValueError(f"audit: a before/after state over {MAX_STATE_BYTES} bytes")
    return redact(json.loads(encoded))


def _trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None
