"""Complaints as the source apps report them, and the write-back command that records a portal complaint there."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from .base import DAY_MS, TICKET_MAX_LENGTH, Event, Topic

__all__ = [
    "STATUS_LABELS", "ComplaintLinked", "ComplaintStatus", "ComplaintStatusChanged", "ComplaintSubmitted",
    "RecordComplaint", "COMPLAINT_INTAKE", "CURHAT_COMMANDS",
]


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
    opd: str | None = Field(
        default=None, description="OPD the source app assigned, if any; complaint-svc routes the rest"
    )
    category: str | None = None
    description: str = Field(min_length=1)
    reporter_name: str | None = None
    reporter_nik_masked: str | None = Field(default=None, description="NIK with the middle digits masked")
    status: ComplaintStatus = ComplaintStatus.RECEIVED
    legacy_status: str | None = None
    submitted_at: datetime
    confidentiality: str | None = Field(
        default=None, description="public (default), confidential (identity hidden from the OPD) or anonymous"
    )
    reporter_phone: str | None = Field(default=None, description="Never shown to the OPD or the public")
    reporter_email: str | None = Field(default=None, description="Never shown to the OPD or the public")
    kelurahan: str | None = None
    kecamatan: str | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


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


# --- Writing back to the legacy system of record (issue 11) ------------------------------------------------


class RecordComplaint(Event):
    """Command to a legacy complaints app (through its bridge): record this portal complaint as the app would.

    Travels on the app's command topic, read only by its bridge: the legacy app is the OPD's system of record
    and needs the reporter's contact, so (unlike public events) it may carry it."""

    event_type: ClassVar[str] = "palapa.curhat.record_complaint.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH, description="The portal's ticket, e.g. LAPOR-…")
    category: str | None = None
    description: str = Field(min_length=1)
    kelurahan: str | None = None
    kecamatan: str | None = None
    reporter_name: str | None = None
    reporter_phone: str | None = None
    submitted_at: datetime


class ComplaintLinked(Event):
    """A bridge recorded a portal complaint in its legacy app: the legacy record now answers for the ticket."""

    event_type: ClassVar[str] = "palapa.complaint.linked.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    source_app: str = Field(min_length=1, description="The legacy app that now holds the record")
    source_ref: str = Field(min_length=1, description="The record's id there")
    legacy_ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH, description="e.g. CURHAT-1042")
    linked_at: datetime


# --- The topics these events travel on ----------------------------------------------------------------------

COMPLAINT_INTAKE = Topic(
    name="palapa.complaints.intake.v1",
    partitions=4,
    key="ticket",
    events=(ComplaintSubmitted, ComplaintStatusChanged, ComplaintLinked),
    config={"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)},
)
#: Commands to Curhat Ning Ita's bridge: portal complaints the legacy app must hold (it is the system of record).
CURHAT_COMMANDS = Topic(
    name="palapa.curhat.commands.v1",
    partitions=1,
    key="ticket",
    events=(RecordComplaint,),
    config={"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)},
)

#: The topics declared here, each with its events: palapa.contracts.topics gathers every domain's.
TOPICS = (COMPLAINT_INTAKE, CURHAT_COMMANDS)
