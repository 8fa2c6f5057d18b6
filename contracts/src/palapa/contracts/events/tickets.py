"""Tracked tickets: Si Makel's letter requests, and the citizen-facing view of a request or an incident."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from .base import DAY_MS, TICKET_MAX_LENGTH, Event, Topic

__all__ = [
    "REQUEST_STATUS_LABELS", "RequestStatus", "ServiceRequestStatusChanged", "ServiceRequestSubmitted", "TicketKind",
    "TicketStep", "TicketUpdated", "SERVICE_REQUESTS", "TICKET_UPDATES",
]


class RequestStatus(StrEnum):
    """Where a citizen's administrative request (a letter from the kelurahan) stands."""

    SUBMITTED = "submitted"
    VERIFIED = "verified"
    IN_PROGRESS = "in_progress"
    READY = "ready"
    COMPLETED = "completed"
    REJECTED = "rejected"


REQUEST_STATUS_LABELS: dict[RequestStatus, str] = {
    RequestStatus.SUBMITTED: "Diajukan",
    RequestStatus.VERIFIED: "Diverifikasi",
    RequestStatus.IN_PROGRESS: "Sedang diproses",
    RequestStatus.READY: "Siap diambil",
    RequestStatus.COMPLETED: "Selesai",
    RequestStatus.REJECTED: "Ditolak",
}


class ServiceRequestSubmitted(Event):
    """A citizen asked the kelurahan for a letter through Si Makel."""

    event_type: ClassVar[str] = "palapa.service_request.submitted.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH, description="e.g. SIMAKEL-3107")
    source_app: str = Field(min_length=1)
    source_ref: str = Field(min_length=1)
    letter_type: str = Field(min_length=1, description="Si Makel's code, e.g. SKD")
    letter_label: str = Field(min_length=1, description="e.g. Surat Keterangan Domisili")
    kelurahan: str | None = None
    kecamatan: str | None = None
    status: RequestStatus = RequestStatus.SUBMITTED
    legacy_status: str | None = None
    submitted_at: datetime


class ServiceRequestStatusChanged(Event):
    """Si Makel moved a request to another status."""

    event_type: ClassVar[str] = "palapa.service_request.status_changed.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    source_app: str = Field(min_length=1)
    source_ref: str = Field(min_length=1)
    status: RequestStatus
    legacy_status: str | None = None
    note: str | None = None
    changed_at: datetime


class TicketKind(StrEnum):
    SERVICE_REQUEST = "service_request"
    INCIDENT = "incident"


class TicketStep(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: str
    label: str
    at: datetime
    note: str | None = Field(default=None, description="What the source app did, when it corrected the status")


class TicketUpdated(Event):
    """The citizen-facing view of a tracked ticket (a letter request or an emergency incident) after a change."""

    event_type: ClassVar[str] = "palapa.ticket.updated.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    revision: int = Field(ge=1, description="Increases by one with every change of this ticket")
    kind: TicketKind
    title: str = Field(description="What the ticket is about, e.g. Surat Keterangan Domisili")
    status: str
    status_label: str
    place: str | None = Field(default=None, description="Kelurahan / kecamatan, never an address or a person")
    source_app: str
    opened_at: datetime
    updated_at: datetime
    timeline: tuple[TicketStep, ...]


# --- The topics these events travel on ----------------------------------------------------------------------

SERVICE_REQUESTS = Topic(
    name="palapa.service_requests.v1",
    partitions=2,
    key="ticket",
    events=(ServiceRequestSubmitted, ServiceRequestStatusChanged),
    config={"cleanup.policy": "delete", "retention.ms": str(90 * DAY_MS)},
)
TICKET_UPDATES = Topic(
    name="palapa.tickets.updates.v1",
    partitions=2,
    key="ticket",
    events=(TicketUpdated,),
    config={"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)},
)

#: The topics declared here, each with its events: palapa.contracts.topics gathers every domain's.
TOPICS = (SERVICE_REQUESTS, TICKET_UPDATES)
