"""Domain events: frozen, versioned, past tense. New fields are optional; a breaking change is a new version."""

from __future__ import annotations

import re
from datetime import date, datetime
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


# --- Pilot apps (issue 9): each app's domain events, as its bridge publishes them ---------------------------

#: An emergency event carries this priority; it travels on the emergency topic, which nothing else shares.
CRITICAL = "critical"


class IncidentReported(Event):
    """PSC 119 took an emergency call and opened an incident."""

    event_type: ClassVar[str] = "palapa.emergency.incident_reported.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH, description="e.g. PSC119-20461")
    source_app: str = Field(min_length=1)
    source_ref: str = Field(min_length=1)
    priority: str = Field(default=CRITICAL, description="Always critical: emergencies travel on their own topic")
    kind: str | None = Field(default=None, description="What happened, e.g. kecelakaan lalu lintas, persalinan")
    kelurahan: str | None = None
    kecamatan: str | None = None
    reported_at: datetime


class AmbulanceDispatched(Event):
    """An ambulance left for a PSC 119 incident."""

    event_type: ClassVar[str] = "palapa.emergency.ambulance_dispatched.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    source_app: str = Field(min_length=1)
    source_ref: str = Field(min_length=1)
    priority: str = CRITICAL
    ambulance: str | None = Field(default=None, description="The unit's call sign, e.g. AMB-03")
    dispatched_at: datetime


class PatientHandedOver(Event):
    """The patient of a PSC 119 incident was handed over to a health facility."""

    event_type: ClassVar[str] = "palapa.emergency.patient_handed_over.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    source_app: str = Field(min_length=1)
    source_ref: str = Field(min_length=1)
    priority: str = CRITICAL
    facility: str | None = Field(default=None, description="Hospital or puskesmas, e.g. RSUD Dr. Wahidin Sudiro Husodo")
    handed_over_at: datetime


class IncidentClosed(Event):
    """PSC 119 closed an incident."""

    event_type: ClassVar[str] = "palapa.emergency.incident_closed.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    source_app: str = Field(min_length=1)
    source_ref: str = Field(min_length=1)
    priority: str = CRITICAL
    outcome: str | None = Field(default=None, description="e.g. selesai, dibatalkan, tidak ditemukan")
    closed_at: datetime


#: NOP: the 18-digit tax object number, kept canonical as digits only (35.76.010.001.002-0123.0 → 357601000100201230).
NOP_PATTERN = re.compile(r"^[0-9]{18}$")


class TaxBill(Event):
    """Fields every tax-bill event shares (not an event itself)."""

    nop: str = Field(pattern=NOP_PATTERN.pattern, description="18 digits, no dots or dashes")
    year: int = Field(ge=1900, le=2200)
    amount_due: int = Field(ge=0, description="Rupiah")
    due_date: date
    paid: bool = False
    source_app: str = Field(min_length=1)


class TaxBillIssued(TaxBill):
    """A PBB bill appeared in the BPKPD export for the first time."""

    event_type: ClassVar[str] = "palapa.tax.bill_issued.v1"
    version: ClassVar[int] = 1

    issued_at: datetime


class TaxBillChanged(TaxBill):
    """A PBB bill's amount, due date or payment differs from the previous export."""

    event_type: ClassVar[str] = "palapa.tax.bill_changed.v1"
    version: ClassVar[int] = 1

    changed: tuple[str, ...] = Field(default=(), description="Names of the fields that changed")
    changed_at: datetime


class TaxBillPaid(Event):
    """A PBB bill was paid (seen in the payments table, or marked paid in an export)."""

    event_type: ClassVar[str] = "palapa.tax.bill_paid.v1"
    version: ClassVar[int] = 1

    nop: str = Field(pattern=NOP_PATTERN.pattern)
    year: int = Field(ge=1900, le=2200)
    amount_paid: int | None = Field(default=None, ge=0)
    source_app: str = Field(min_length=1)
    paid_at: datetime


class CameraRegistered(Event):
    """Dishub registered a CCTV camera (or its registry entry changed)."""

    event_type: ClassVar[str] = "palapa.transport.camera_registered.v1"
    version: ClassVar[int] = 1

    camera_id: str = Field(min_length=1, max_length=128)
    app_id: str = Field(min_length=1, description="The catalog app the camera belongs to, e.g. cctv")
    location_name: str
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    stream_url: str | None = None
    registered_at: datetime


class CameraWentOffline(Event):
    """A camera that was online is now reported offline."""

    event_type: ClassVar[str] = "palapa.transport.camera_went_offline.v1"
    version: ClassVar[int] = 1

    camera_id: str = Field(min_length=1, max_length=128)
    app_id: str = Field(min_length=1)
    changed_at: datetime


class CameraCameOnline(Event):
    """A camera that was offline (or new) is now reported online."""

    event_type: ClassVar[str] = "palapa.transport.camera_came_online.v1"
    version: ClassVar[int] = 1

    camera_id: str = Field(min_length=1, max_length=128)
    app_id: str = Field(min_length=1)
    changed_at: datetime


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


class QueueTicketCalled(Event):
    """A puskesmas called a patient's queue number to a counter or clinic."""

    event_type: ClassVar[str] = "palapa.health.queue_ticket_called.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH, description="e.g. PKM-MAGERSARI-A012")
    source_app: str = Field(min_length=1)
    source_ref: str = Field(min_length=1)
    facility: str = Field(min_length=1, description="The puskesmas, e.g. Puskesmas Gedongan")
    queue_number: str = Field(min_length=1, description="As shown on the slip, e.g. A-012")
    clinic: str | None = Field(default=None, description="Poli umum, gigi, KIA, ...")
    counter: str | None = None
    called_at: datetime


class TicketKind(StrEnum):
    SERVICE_REQUEST = "service_request"
    INCIDENT = "incident"


class TicketStep(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: str
    label: str
    at: datetime


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


# --- complaint-svc's tracker (issue 11): the canonical case lifecycle and its deadlines ---------------------


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


class TimelineEntryV2(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: CaseStatus
    label: str
    at: datetime
    note: str | None = Field(default=None, description="Why (rejection reason, re-routing, escalation), public-safe")


class ComplaintUpdatedV2(Event):
    """The citizen-facing view of a complaint after a change: the canonical lifecycle (complaint-svc publishes it).

    Never carries the reporter's identity: notify-svc shows it to anyone holding the ticket.
    """

    event_type: ClassVar[str] = "palapa.complaint.updated.v2"
    version: ClassVar[int] = 2

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    revision: int = Field(ge=1, description="Increases by one with every change of this complaint")
    status: CaseStatus
    status_kind: StatusKind
    status_label: str
    opd: str
    category: str | None = None
    kelurahan: str | None = None
    kecamatan: str | None = None
    source_app: str
    submitted_at: datetime
    updated_at: datetime
    due_at: datetime | None = Field(default=None, description="When the current stage must be done (working days)")
    escalated_to: str | None = Field(default=None, description="Who the overdue case was escalated to")
    responsible: str | None = Field(default=None, description="Who is responsible when not our remit")
    duplicate_of: str | None = Field(default=None, description="The original ticket of a duplicate")
    timeline: tuple[TimelineEntryV2, ...]


def upcast_complaint_updated_v1_v2(payload: dict[str, Any]) -> dict[str, Any]:
    """A v1 ComplaintUpdated as v2: v1 statuses are v2 statuses; the kind follows from the status."""
    try:
        kind = CASE_STATUS_KIND[CaseStatus(payload.get("status"))].value
    except (ValueError, TypeError):
        kind = None  # an invalid v1 payload stays invalid: the v2 model says why
    return {**payload, "status_kind": kind}


class SlaStage(StrEnum):
    """SP4N-LAPOR!'s two clocks: verified and forwarded to the OPD, then followed up by it."""

    FORWARD = "forward"
    FOLLOW_UP = "follow_up"


class SlaWarning(Event):
    """An open case nears the deadline of its current stage."""

    event_type: ClassVar[str] = "palapa.complaint.sla_warning.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    opd: str
    stage: SlaStage
    due_at: datetime
    at: datetime


class SlaBreached(Event):
    """An open case passed the deadline of its stage; `level` climbs the chain (1 OPD, 2 Sekda, 3 Wali Kota)."""

    event_type: ClassVar[str] = "palapa.complaint.sla_breached.v1"
    version: ClassVar[int] = 1

    ticket: str = Field(min_length=1, max_length=TICKET_MAX_LENGTH)
    opd: str
    stage: SlaStage
    due_at: datetime
    level: int = Field(ge=1)
    escalated_to: str
    at: datetime


# --- The catalog (issue 10): changes to the registry of the city's apps -------------------------------------

#: Who changed an entry: an official's account name (letters, digits, '.', '_', '-'), never an e-mail or a NIK.
ACTOR_PATTERN = r"^[A-Za-z][A-Za-z0-9._-]{1,63}$"


class AppEntry(BaseModel):
    """An app's registry entry as the catalog publishes it (no personal data: apps, OPDs, fields)."""

    model_config = ConfigDict(frozen=True)

    app_id: str
    name: str
    opd: str
    url: str | None = None
    kind: str | None = Field(default=None, description="layanan publik, administrasi pemerintahan, website profil")
    audience: str = Field(description="warga (public) or pegawai (internal)")
    field: str | None = Field(default=None, description="Bidang layanan, e.g. kesehatan, kepegawaian")
    lifecycle: str = Field(description="aktif, dorman or pensiun")
    tier: str = Field(description="terhubung (bridged into the platform) or tautan (listed with a link out)")
    super_app: str | None = Field(default=None, description="wargaku or kantorku; none when kept or switched off")
    cluster: str | None = None


class FieldChange(BaseModel):
    """One field of an entry, before and after a change."""

    model_config = ConfigDict(frozen=True)

    before: str | float | None = None
    after: str | float | None = None


class AppRegistered(Event):
    """An app entered the catalog (seed, census import, API)."""

    event_type: ClassVar[str] = "palapa.catalog.app_registered.v1"
    version: ClassVar[int] = 1

    app_id: str = Field(min_length=1, description="The key of the catalog's topic (the entry's own id)")
    app: AppEntry
    revision: int = Field(ge=1, description="The entry's revision: 1 here, +1 with every later change")
    actor: str = Field(pattern=ACTOR_PATTERN)
    reason: str = Field(min_length=1, max_length=500)
    at: datetime


class AppChanged(Event):
    """Fields of an app's entry changed: each with its value before and after, who changed it and why."""

    event_type: ClassVar[str] = "palapa.catalog.app_changed.v1"
    version: ClassVar[int] = 1

    app_id: str
    revision: int = Field(ge=1)
    changes: dict[str, FieldChange]
    app: AppEntry = Field(description="The entry after the change")
    actor: str = Field(pattern=ACTOR_PATTERN)
    reason: str = Field(min_length=1, max_length=500)
    at: datetime


class AppMarkedDormant(Event):
    """A bridged app was silent (no heartbeat, no event) too long: a dormant candidate awaiting a person's decision."""

    event_type: ClassVar[str] = "palapa.catalog.app_marked_dormant.v1"
    version: ClassVar[int] = 1

    app_id: str
    revision: int = Field(ge=1)
    last_heartbeat_at: datetime | None = None
    last_event_at: datetime | None = None
    silent_since: datetime = Field(description="The latest sign of life (or when the catalog began watching)")
    threshold_days: float = Field(gt=0)
    actor: str = Field(pattern=ACTOR_PATTERN)
    at: datetime


class AppRetired(Event):
    """A person confirmed an app is retired (switched off for good)."""

    event_type: ClassVar[str] = "palapa.catalog.app_retired.v1"
    version: ClassVar[int] = 1

    app_id: str
    revision: int = Field(ge=1)
    previous_lifecycle: str
    actor: str = Field(pattern=ACTOR_PATTERN)
    reason: str = Field(min_length=1, max_length=500)
    at: datetime


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


ALL_EVENTS: tuple[type[Event], ...] = (
    ComplaintSubmitted,
    ComplaintStatusChanged,
    ComplaintUpdated,
    RowQuarantined,
    BridgeHeartbeat,
    EventDeadLettered,
    IncidentReported,
    AmbulanceDispatched,
    PatientHandedOver,
    IncidentClosed,
    TaxBillIssued,
    TaxBillChanged,
    TaxBillPaid,
    CameraRegistered,
    CameraWentOffline,
    CameraCameOnline,
    ServiceRequestSubmitted,
    ServiceRequestStatusChanged,
    QueueTicketCalled,
    TicketUpdated,
    ComplaintUpdatedV2,
    SlaWarning,
    SlaBreached,
    AppRegistered,
    AppChanged,
    AppMarkedDormant,
    AppRetired,
    RecordComplaint,
    ComplaintLinked,
)

EVENT_TYPES: dict[str, type[Event]] = {e.event_type: e for e in ALL_EVENTS}
