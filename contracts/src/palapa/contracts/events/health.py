"""Health (pilot apps, issue 9): PSC 119's emergency incidents and the puskesmas' patient queues."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from .base import DAY_MS, TICKET_MAX_LENGTH, Event, Topic

__all__ = [
    "CRITICAL", "AmbulanceDispatched", "IncidentClosed", "IncidentReported", "PatientHandedOver", "QueueTicketCalled",
    "EMERGENCY_INCIDENTS", "HEALTH_QUEUES",
]


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
    caller_phone_hash: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{32}$",
        description="The keyed hash of the caller's number as the app recorded it (palapa.contracts.phone.phone_hash), "
                    "never the number: a citizen signed in with that number may claim the incident",
    )


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


# --- The topics these events travel on ----------------------------------------------------------------------

#: Emergencies only: a topic of their own, so no other traffic can queue in front of them.
EMERGENCY_INCIDENTS = Topic(
    name="palapa.emergency.incidents.v1",
    partitions=2,
    key="ticket",
    events=(IncidentReported, AmbulanceDispatched, PatientHandedOver, IncidentClosed),
    config={"cleanup.policy": "delete", "retention.ms": str(90 * DAY_MS)},
)
HEALTH_QUEUES = Topic(
    name="palapa.health.queues.v1",
    partitions=1,
    key="ticket",
    events=(QueueTicketCalled,),
    config={"cleanup.policy": "delete", "retention.ms": str(7 * DAY_MS)},
)

#: The topics declared here, each with its events: palapa.contracts.topics gathers every domain's.
TOPICS = (EMERGENCY_INCIDENTS, HEALTH_QUEUES)
