"""What every event shares: the Event base, the ticket rule, and the Topic an event travels on."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

__all__ = ["DAY_MS", "TICKET_MAX_LENGTH", "TICKET_PATTERN", "Event", "Topic", "is_ticket"]


class Event(BaseModel):
    """Base of every event: immutable, strict about unknown fields only where it must not be."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    version: ClassVar[int]


#: A ticket is the source app's prefix and the record's id there, e.g. CURHAT-1042 (at most 64 characters).
TICKET_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$")
TICKET_MAX_LENGTH = 64


def is_ticket(value: str) -> bool:
    """True for a well-formed ticket id; every service that accepts tickets uses this one rule."""
    return 0 < len(value) <= TICKET_MAX_LENGTH and TICKET_PATTERN.fullmatch(value) is not None


DAY_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True)
class Topic:
    """A topic: its name, partitions, key, retention or compaction, and the events it carries (each on one topic)."""

    name: str
    partitions: int
    key: str
    events: tuple[type[Event], ...]
    config: dict[str, str] = field(default_factory=dict)
    replication_factor: int = 1

    @property
    def event_types(self) -> tuple[str, ...]:
        return tuple(e.event_type for e in self.events)

