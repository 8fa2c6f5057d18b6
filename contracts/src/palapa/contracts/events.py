"""Domain events: frozen, versioned, past tense. New fields are optional; a breaking change is a new version."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field


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


class ComplaintStatus(StrEnum):
    """The canonical status set every channel's own codes map onto."""

    RECEIVED = "received"
    VERIFIED = "verified"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    REJECTED = "rejected"


#: Citizen-facing labels (Bahasa Indonesia).
STATUS_LABELS: dict[ComplaintStatus, str] = {
    ComplaintStatus.RECEIVED: "Diterima",
    ComplaintStatus.VERIFIED: "Diverifikasi",
    ComplaintStatus.IN_PROGRESS: "Sedang diproses",
    ComplaintStatus.RESOLVED: "Selesai",
    ComplaintStatus.REJECTED: "Ditolak",
}


class ComplaintSubmitted(Event):
    """A citizen's complaint was recorded by an OPD app."""

    event_type: ClassVar[str] = "palapa.complaint.submitted.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    source_app: str = Field(min_length=1)
    source_ref: str = Field(min_length=1, description="The record's id in the source app")
    opd: str | None = Field(default=None, description="OPD the source app assigned, if any; complaint-svc routes the rest")
    category: str | None = None
    description: str = Field(min_length=1)
    reporter_name: str | None = None
    reporter_nik_masked: str | None = Field(default=None, description="NIK with the middle digits masked")
    status: ComplaintStatus = ComplaintStatus.RECEIVED
    legacy_status: str | None = None
    submitted_at: datetime


class ComplaintStatusChanged(Event):
    """The source app moved a complaint to another status."""

    event_type: ClassVar[str] = "palapa.complaint.status_changed.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    source_app: str = Field(min_length=1)
    source_ref: str = Field(min_length=1)
    status: ComplaintStatus
    legacy_status: str | None = None
    changed_at: datetime
    note: str | None = None


class TimelineEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: ComplaintStatus
    label: str
    at: datetime


class ComplaintUpdated(Event):
    """The citizen-facing view of a complaint after a change (complaint-svc publishes it)."""

    event_type: ClassVar[str] = "palapa.complaint.updated.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    revision: int = Field(ge=1, description="Increases by one with every change of this complaint")
    status: ComplaintStatus
    status_label: str
    opd: str
    category: str | None = None
    source_app: str
    submitted_at: datetime
    updated_at: datetime
    timeline: tuple[TimelineEntry, ...]


class RowQuarantined(Event):
    """A bridge met a legacy row it cannot translate; the row is kept here with the reason."""

    event_type: ClassVar[str] = "palapa.bridge.row_quarantined.v1"
    version: ClassVar[int] = 1

    source_app: str
    source_id: str
    reason: str
    row: dict[str, Any]
    seen_at: datetime


class BridgeHeartbeat(Event):
    """A bridge is alive: what it last saw of its legacy app, and how far behind it is."""

    event_type: ClassVar[str] = "palapa.bridge.heartbeat.v1"
    version: ClassVar[int] = 1

    app_id: str
    opd: str
    bridge: str
    last_change_seen: datetime | None = None
    lag_seconds: float | None = Field(default=None, ge=0)
    rows_translated: int = Field(default=0, ge=0)
    rows_quarantined: int = Field(default=0, ge=0)
    at: datetime


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


ALL_EVENTS: tuple[type[Event], ...] = (
    ComplaintSubmitted,
    ComplaintStatusChanged,
    ComplaintUpdated,
    RowQuarantined,
    BridgeHeartbeat,
    EventDeadLettered,
)

EVENT_TYPES: dict[str, type[Event]] = {e.event_type: e for e in ALL_EVENTS}
