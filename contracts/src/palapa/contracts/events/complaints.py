"""Complaints as the source apps report them, the canonical case statuses they are reported in, and the write-back
commands that record a portal complaint there and the portal's staff moves on the cases it holds."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import Field

from .base import DAY_MS, TICKET_MAX_LENGTH, Event, Topic

__all__ = [
    "CASE_STATUS_KIND", "CASE_STATUS_LABELS", "STATUS_LABELS", "CaseStatus", "ComplaintLinked",
    "ComplaintMoveSuperseded", "ComplaintStatus", "ComplaintStatusChanged", "ComplaintStatusChangedV2",
    "ComplaintSubmitted", "RecordComplaint", "SetComplaintStatus", "StatusKind",
    "upcast_complaint_status_changed_v1_v2", "COMPLAINT_INTAKE", "CURHAT_COMMANDS",
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


class CaseStatus(StrEnum):
    """The tracker's canonical status set (v2); ComplaintStatus (v1) values are a subset with the same meaning."""

    RECEIVED = "received"
    VERIFIED = "verified"
    DISPOSITIONED = "dispositioned"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"
    NOT_OUR_REMIT = "not_our_remit"
    DUPLICATE = "duplicate"
    REOPENED = "reopened"


class StatusKind(StrEnum):
    """What a status means for the citizen, as FixMyStreet types its states: still open, fixed, or closed unfixed."""

    OPEN = "open"
    FIXED = "fixed"
    CLOSED = "closed"


CASE_STATUS_KIND: dict[CaseStatus, StatusKind] = {
    CaseStatus.RECEIVED: StatusKind.OPEN,
    CaseStatus.VERIFIED: StatusKind.OPEN,
    CaseStatus.DISPOSITIONED: StatusKind.OPEN,
    CaseStatus.IN_PROGRESS: StatusKind.OPEN,
    CaseStatus.REOPENED: StatusKind.OPEN,
    CaseStatus.RESOLVED: StatusKind.FIXED,
    CaseStatus.CLOSED: StatusKind.FIXED,
    CaseStatus.REJECTED: StatusKind.CLOSED,
    CaseStatus.NOT_OUR_REMIT: StatusKind.CLOSED,
    CaseStatus.DUPLICATE: StatusKind.CLOSED,
}

CASE_STATUS_LABELS: dict[CaseStatus, str] = {
    CaseStatus.RECEIVED: "Diterima",
    CaseStatus.VERIFIED: "Diverifikasi",
    CaseStatus.DISPOSITIONED: "Diteruskan ke OPD",
    CaseStatus.IN_PROGRESS: "Sedang diproses",
    CaseStatus.RESOLVED: "Selesai",
    CaseStatus.CLOSED: "Ditutup",
    CaseStatus.REJECTED: "Ditolak",
    CaseStatus.NOT_OUR_REMIT: "Bukan kewenangan",
    CaseStatus.DUPLICATE: "Duplikat",
    CaseStatus.REOPENED: "Dibuka kembali",
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
    reporter_phone_hash: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{32}$",
        description="The keyed hash of the number the source app recorded (palapa.contracts.phone.phone_hash), never "
                    "the number: a citizen signed in with that number may claim the case",
    )
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


class ComplaintStatusChangedV2(Event):
    """The source app moved a complaint: the canonical status its bridge decided, and the app's own code.

    For a case the app holds (its system of record), `status` is the truth: complaint-svc records it even where
    its lifecycle would not let staff make that move (a correction), and `legacy_status` says what the app wrote.
    """

    event_type: ClassVar[str] = "palapa.complaint.status_changed.v2"
    version: ClassVar[int] = 2

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    source_app: str = Field(min_length=1)
    source_ref: str = Field(min_length=1)
    status: CaseStatus = Field(description="Decided once, by the bridge, from its table of the app's codes")
    legacy_status: str = Field(min_length=1, description="The app's own code as written, e.g. '1' or 'diproses'")
    changed_at: datetime
    note: str | None = None


def upcast_complaint_status_changed_v1_v2(payload: dict[str, Any]) -> dict[str, Any]:
    """A v1 ComplaintStatusChanged as v2: v1 statuses are v2 statuses; with no code of the app's own, the
    canonical status is the code (what the bridge said is all there is)."""
    legacy = payload.get("legacy_status")
    if not isinstance(legacy, str) or not legacy.strip():
        legacy = payload.get("status")  # an invalid v1 payload stays invalid: the v2 model says why
    return {**payload, "legacy_status": legacy}


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


class SetComplaintStatus(Event):
    """Command to a legacy complaints app (through its bridge): write the status a staff member set in the portal
    on a case the app holds (issue 17, both ways).

    The bridge writes the app's own code for `status` (its one table decides it) unless the row has moved since the
    portal last saw it (`seen_status`): then the app wins and the bridge answers ComplaintMoveSuperseded."""

    event_type: ClassVar[str] = "palapa.curhat.set_complaint_status.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    legacy_ref: str | None = Field(
        default=None, max_length=64,
        description="The legacy row's id; None: the bridge finds the row it wrote for the ticket (write-back)")
    status: CaseStatus = Field(description="The status staff moved the case to")
    seen_status: CaseStatus = Field(description="The case's status before the move: what the portal believed the "
                                                "legacy app's status was")
    seen_legacy_status: str | None = Field(default=None, max_length=64,
                                           description="The app's own code last reported for the case, if any")
    by: str = Field(min_length=1, max_length=100, description="The staff account that made the move (a name, "
                                                             "never an identity)")
    revision: int = Field(ge=1, description="The case revision the move made")
    moved_at: datetime


class ComplaintMoveSuperseded(Event):
    """A bridge did not write a portal move into its legacy app: the app had moved the case meanwhile, and the
    app (the system of record) wins. Its own move reaches the case as a status change, as usual."""

    event_type: ClassVar[str] = "palapa.complaint.move_superseded.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    source_app: str = Field(min_length=1, description="The legacy app whose status won")
    source_ref: str = Field(min_length=1)
    status: CaseStatus = Field(description="The portal's move that was not written")
    by: str = Field(min_length=1, max_length=100, description="The staff account that made it")
    revision: int = Field(ge=1, description="The case revision the portal's move made")
    legacy_status: str = Field(min_length=1, description="The app's own code that won, as written")
    legacy_case_status: CaseStatus | None = Field(default=None, description="What that code means, if it is known")
    superseded_at: datetime


# --- The topics these events travel on ----------------------------------------------------------------------

COMPLAINT_INTAKE = Topic(
    name="palapa.complaints.intake.v1",
    partitions=4,
    key="ticket",
    # v1 status changes still on the topic are read as v2 (envelope.UPCASTERS); the bridges publish v2 only
    events=(ComplaintSubmitted, ComplaintStatusChanged, ComplaintLinked, ComplaintStatusChangedV2,
            ComplaintMoveSuperseded),
    config={"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)},
)
#: Commands to Curhat Ning Ita's bridge: portal complaints the legacy app must hold (it is the system of record),
#: and staff moves on the cases it holds. One partition: a ticket's commands are written in the order made.
CURHAT_COMMANDS = Topic(
    name="palapa.curhat.commands.v1",
    partitions=1,
    key="ticket",
    events=(RecordComplaint, SetComplaintStatus),
    config={"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)},
)

#: The topics declared here, each with its events: palapa.contracts.topics gathers every domain's.
TOPICS = (COMPLAINT_INTAKE, CURHAT_COMMANDS)
