"""complaint-svc's tracker (issue 11): the canonical case lifecycle, the citizen-facing view, the deadlines."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from .base import DAY_MS, TICKET_MAX_LENGTH, Event, Topic

# the case statuses are declared with the intake events that carry them (ComplaintStatusChanged v2); they stay
# importable from here
from .complaints import CASE_STATUS_KIND, CASE_STATUS_LABELS, CaseStatus, ComplaintStatus, StatusKind  # noqa: F401

__all__ = [
    "ComplaintUpdated", "ComplaintUpdatedV2", "SlaBreached", "SlaStage", "SlaWarning", "TimelineEntry",
    "TimelineEntryV2", "upcast_complaint_updated_v1_v2", "COMPLAINT_SLA", "COMPLAINT_UPDATES",
]


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


class TimelineEntryV2(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: CaseStatus
    label: str
    at: datetime
    note: str | None = Field(default=None, description="Why (rejection reason, re-routing, escalation), public-safe")


class ComplaintUpdatedV2(Event):
    """The citizen-facing view of a complaint after a change: the canonical lifecycle (complaint-svc publishes it).

    Never carries the reporter's identity: notify-svc shows it to whoever holds the case's capability.
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
    access_hash: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 (hex) of the case's capability, never the capability: on the case's first update only, "
                    "so notify-svc can check a reader's key (palapa.kit.capability); not part of the view")


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


# --- The topics these events travel on ----------------------------------------------------------------------

COMPLAINT_UPDATES = Topic(
    name="palapa.complaints.updates.v1",
    partitions=4,
    key="ticket",
    # v1 records still on the topic are read as v2 (envelope.UPCASTERS); complaint-svc publishes v2 only
    events=(ComplaintUpdated, ComplaintUpdatedV2),
    config={"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)},
)
#: complaint-svc's deadline clock: warnings and breaches with their escalation level, each emitted once.
COMPLAINT_SLA = Topic(
    name="palapa.complaints.sla.v1",
    partitions=2,
    key="ticket",
    events=(SlaWarning, SlaBreached),
    config={"cleanup.policy": "delete", "retention.ms": str(90 * DAY_MS)},
)

#: The topics declared here, each with its events: palapa.contracts.topics gathers every domain's.
TOPICS = (COMPLAINT_UPDATES, COMPLAINT_SLA)
