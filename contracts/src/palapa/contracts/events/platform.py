"""The platform's own events: a message a consumer refused, kept with the reason."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from .base import DAY_MS, Event, Topic

__all__ = ["EventDeadLettered", "DEAD_LETTERS"]


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


# --- The topics these events travel on ----------------------------------------------------------------------

DEAD_LETTERS = Topic(
    name="palapa.platform.deadletter.v1",
    partitions=1,
    key="consumer",
    events=(EventDeadLettered,),
    config={"cleanup.policy": "delete", "retention.ms": str(90 * DAY_MS)},
)

#: The topics declared here, each with its events: palapa.contracts.topics gathers every domain's.
TOPICS = (DEAD_LETTERS,)
