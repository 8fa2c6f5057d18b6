"""Complaints as the source apps report them, the canonical case statuses they are reported in, and the legacy
apps' answers to the portal's write-back (the commands themselves: curhat.py)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import Field

from ..identity import SealedIdentity, lift_clear_identity
from .base import DAY_MS, TICKET_MAX_LENGTH, Event, Topic

__all__ = [
    "CASE_STATUS_KIND", "CASE_STATUS_LABELS", "STATUS_LABELS", "CaseStatus", "ComplaintLinked",
    "ComplaintMoveSuperseded", "ComplaintStatus", "ComplaintStatusChanged", "ComplaintStatusChangedV2",
    "ComplaintSubmitted", "ComplaintSubmittedV2", "StatusKind", "upcast_complaint_status_changed_v1_v2",
    "upcast_complaint_submitted_v1_v2", "COMPLAINT_INTAKE",
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


class _Submitted(Event):
    """What every version of ComplaintSubmitted says besides the reporter."""

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    source_app: str = Field(min_length=1)
    source_ref: str = Field(min_length=1, description="The record's id in the source app")
    opd: str | None = Field(
        default=None, description="OPD the source app assigned, if any; complaint-svc routes the rest"
    )
    category: str | None = None
    description: str = Field(min_length=1)
    status: ComplaintStatus = ComplaintStatus.RECEIVED
    legacy_status: str | None = None
    submitted_at: datetime
    confidentiality: str | None = Field(
        default=None, description="public (default), confidential (identity hidden from the OPD) or anonymous"
    )
    reporter_phone_hash: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{32}$",
        description="The keyed hash of the number the source app recorded (palapa.contracts.phone.phone_hash), never "
                    "the number: a citizen signed in with that number may claim the case",
    )
    kelurahan: str | None = None
    kecamatan: str | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


class ComplaintSubmitted(_Submitted):
    """A citizen's complaint was recorded by an OPD app (v1: the reporter in clear; read as v2, never sent)."""

    event_type: ClassVar[str] = "palapa.complaint.submitted.v1"
    version: ClassVar[int] = 1

    reporter_name: str | None = None
    reporter_nik_masked: str | None = Field(default=None, description="NIK with the middle digits masked")
    reporter_phone: str | None = Field(default=None, description="Never shown to the OPD or the public")
    reporter_email: str | None = Field(default=None, description="Never shown to the OPD or the public")


class ComplaintSubmittedV2(_Submitted, SealedIdentity):
    """A citizen's complaint was recorded by an OPD app; who reported travels only sealed (issue 19)."""

    event_type: ClassVar[str] = "palapa.complaint.submitted.v2"
    version: ClassVar[int] = 2
    #: the purpose the reporter is sealed under (palapa.kit.sealed), opened by complaint-svc and notify-svc alone
    SEAL_PURPOSE: ClassVar[str] = "complaint.reporter"

    reporter_sealed: str | None = Field(
        default=None, max_length=4096,
        description="The reporter (palapa.contracts.identity.Identity: name, masked NIK, phone, e-mail, the "
                    "citizen's private link) as a JWE bound to the ticket, under the key REPORTER_KEY that only the "
                    "producer, complaint-svc and notify-svc hold; none for an anonymous report",
    )


def upcast_complaint_submitted_v1_v2(payload: dict[str, Any]) -> dict[str, Any]:
    """A v1 ComplaintSubmitted as v2: the clear reporter leaves the fields (the v2 event keeps it privately,
    SealedIdentity.v1_identity, so a consumer still reads it and nothing can publish it again)."""
    return lift_clear_identity(payload)


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


# --- The legacy app's answers to the portal's write-back (the commands: events/curhat.py) -------------------


class ComplaintLinked(Event):
    """A bridge recorded a portal complaint in its legacy app: the legacy record now answers for the ticket."""

    event_type: ClassVar[str] = "palapa.complaint.linked.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    source_app: str = Field(min_length=1, description="The legacy app that now holds the record")
    source_ref: str = Field(min_length=1, description="The record's id there")
    legacy_ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH, description="e.g. CURHAT-1042")
    linked_at: datetime


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
    # v1 status changes and submissions still on the topic are read as v2 (envelope.UPCASTERS); v2 only is sent
    events=(ComplaintSubmitted, ComplaintStatusChanged, ComplaintLinked, ComplaintStatusChangedV2,
            ComplaintMoveSuperseded, ComplaintSubmittedV2),
    config={"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)},
)
#: The topics declared here, each with its events: palapa.contracts.topics gathers every domain's.
TOPICS = (COMPLAINT_INTAKE,)
