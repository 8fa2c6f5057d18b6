"""Tracked tickets: Si Makel's letter requests, the letters the gate files there (RequestLetter and its answers),
and the citizen-facing view of a request or an incident."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from .base import DAY_MS, TICKET_MAX_LENGTH, Event, Topic

__all__ = [
    "REQUEST_STATUS_LABELS", "LetterLinked", "LetterRefused", "RequestLetter", "RequestStatus",
    "ServiceRequestStatusChanged", "ServiceRequestSubmitted", "TicketKind", "TicketStep", "TicketUpdated",
    "SERVICE_REQUESTS", "SIMAKEL_COMMANDS", "TICKET_UPDATES",
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


# --- Letters filed through the gate (issue 20): the command to Si Makel's bridge and its two answers ---------


class RequestLetter(Event):
    """Command to Si Makel (through bridge-simakel): file this letter request a signed-in citizen made at the gate.

    The legacy app needs the applicant (name, NIK, phone), which no event may carry in clear: `applicant` is that
    data sealed (AES-256-GCM, the ticket as associated data) under a key only tracking-svc and bridge-simakel hold.
    The bridge files it under the ticket as Si Makel's `no_referensi`, so a redelivery never files it twice."""

    event_type: ClassVar[str] = "palapa.simakel.request_letter.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH, description="The portal's ticket, e.g. SURAT-…")
    letter_type: str = Field(pattern=r"^[A-Z]{2,8}$", description="Si Makel's code of the letter, e.g. SKD")
    kelurahan: str = Field(min_length=1, max_length=80)
    kecamatan: str | None = Field(default=None, max_length=80)
    purpose: str | None = Field(default=None, max_length=500, description="What the letter is for (keperluan)")
    applicant: str = Field(min_length=1, max_length=4096,
                           description="The applicant's name, NIK and phone, sealed for the bridge (never in clear)")
    requested_at: datetime


class LetterLinked(Event):
    """bridge-simakel filed a gate letter request in Si Makel: the legacy request now answers for the ticket."""

    event_type: ClassVar[str] = "palapa.service_request.letter_linked.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH, description="The portal's ticket")
    source_app: str = Field(min_length=1)
    source_ref: str = Field(min_length=1, description="The request's id in Si Makel")
    legacy_ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH, description="e.g. SIMAKEL-3107")
    linked_at: datetime


class LetterRefused(Event):
    """Si Makel refused a gate letter request (a NIK not of the city, an unknown kelurahan…): nothing was filed."""

    event_type: ClassVar[str] = "palapa.service_request.letter_refused.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    source_app: str = Field(min_length=1)
    reason: str = Field(min_length=1, max_length=500, description="Si Makel's own reason, as it said it")
    refused_at: datetime


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
    events=(ServiceRequestSubmitted, ServiceRequestStatusChanged, LetterLinked, LetterRefused),
    config={"cleanup.policy": "delete", "retention.ms": str(90 * DAY_MS)},
)
TICKET_UPDATES = Topic(
    name="palapa.tickets.updates.v1",
    partitions=2,
    key="ticket",
    events=(TicketUpdated,),
    config={"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)},
)

#: Commands to Si Makel's bridge: letters requested at the gate, which the legacy app (the system of record) files.
SIMAKEL_COMMANDS = Topic(
    name="palapa.simakel.commands.v1",
    partitions=1,
    key="ticket",
    events=(RequestLetter,),
    config={"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)},
)

#: The topics declared here, each with its events: palapa.contracts.topics gathers every domain's.
TOPICS = (SERVICE_REQUESTS, TICKET_UPDATES, SIMAKEL_COMMANDS)
