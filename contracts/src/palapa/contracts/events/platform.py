"""The platform's own events: a message a consumer refused, kept with the reason; a staff action on the record."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field

from .base import DAY_MS, Event, Topic

__all__ = ["AuditRecorded", "EventDeadLettered", "AUDIT", "DEAD_LETTERS"]


class EventDeadLettered(Event):
    """A consumer refused a message (bad envelope or payload); the message is kept here with the reason."""

    event_type: ClassVar[str] = "palapa.platform.event_dead_lettered.v1"
    version: ClassVar[int] = 1

    consumer: str
    topic: str
    partition: int
    offset: int
    reason: str
    headers: dict[str, str]
    key: str | None = None
    value: str = Field(description="The record's value as text, cut to a bounded size (see truncated)")
    value_size: int | None = Field(default=None, ge=0, description="The record value's original size in bytes")
    truncated: bool = Field(default=False, description="True when value is shorter than the record's value")
    at: datetime


class AuditRecorded(Event):
    """A staff action went on a service's audit log (same transaction as the change): who, what, before/after, why.

    `before` and `after` never carry identity (NIK, phone, e-mail): the kit redacts them before they are written.
    """

    event_type: ClassVar[str] = "palapa.platform.audit_recorded.v1"
    version: ClassVar[int] = 1

    service: str = Field(description="The service whose audit log holds the record")
    at: datetime
    actor: str = Field(description="The token's subject (a person, or a client's service account)")
    actor_kind: str = Field(description="person or client")
    actor_roles: list[str] = Field(default_factory=list)
    actor_opds: list[str] = Field(default_factory=list)
    action: str = Field(description="What was done, e.g. catalog.app.change")
    object_type: str
    object_id: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    why: str | None = None
    request_id: str | None = None
    trace_id: str | None = None


# --- The topics these events travel on ----------------------------------------------------------------------

DEAD_LETTERS = Topic(
    name="palapa.platform.deadletter.v1",
    partitions=1,
    key="consumer",
    events=(EventDeadLettered,),
    config={"cleanup.policy": "delete", "retention.ms": str(90 * DAY_MS)},
)

AUDIT = Topic(
    name="palapa.platform.audit.v1",
    partitions=2,
    key="object type:id",
    events=(AuditRecorded,),
    config={"cleanup.policy": "delete", "retention.ms": str(365 * DAY_MS)},
)

#: The topics declared here, each with its events: palapa.contracts.topics gathers every domain's.
TOPICS = (DEAD_LETTERS, AUDIT)
