"""The registry of topics: name, partitions, retention or compaction, key, event types."""

from __future__ import annotations

from dataclasses import dataclass, field

from .events import (
    AmbulanceDispatched,
    AppChanged,
    AppMarkedDormant,
    AppRegistered,
    AppRetired,
    BridgeHeartbeat,
    CameraCameOnline,
    CameraRegistered,
    CameraWentOffline,
    ComplaintLinked,
    ComplaintStatusChanged,
    ComplaintSubmitted,
    ComplaintUpdated,
    ComplaintUpdatedV2,
    Event,
    EventDeadLettered,
    IncidentClosed,
    IncidentReported,
    PatientHandedOver,
    QueueTicketCalled,
    RecordComplaint,
    RowQuarantined,
    ServiceRequestStatusChanged,
    ServiceRequestSubmitted,
    SlaBreached,
    SlaWarning,
    TaxBillChanged,
    TaxBillIssued,
    TaxBillPaid,
    TicketUpdated,
)

DAY_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int
    key: str
    events: tuple[type[Event], ...]
    config: dict[str, str] = field(default_factory=dict)
    replication_factor: int = 1

    @property
    def event_types(self) -> tuple[str, ...]:
        return tuple(e.event_type for e in self.events)


COMPLAINT_INTAKE = Topic(
    name="palapa.complaints.intake.v1",
    partitions=4,
    key="ticket",
    events=(ComplaintSubmitted, ComplaintStatusChanged, ComplaintLinked),
    config={"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)},
)
COMPLAINT_UPDATES = Topic(
    name="palapa.complaints.updates.v1",
    partitions=4,
    key="ticket",
    # v1 records still on the topic are read as v2 (envelope.UPCASTERS); complaint-svc publishes v2 only
    events=(ComplaintUpdated, ComplaintUpdatedV2),
    config={"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)},
)
BRIDGE_QUARANTINE = Topic(
    name="palapa.bridges.quarantine.v1",
    partitions=1,
    key="source_app:source_id",
    events=(RowQuarantined,),
    config={"cleanup.policy": "delete", "retention.ms": str(90 * DAY_MS)},
)
BRIDGE_HEARTBEATS = Topic(
    name="palapa.bridges.heartbeats.v1",
    partitions=1,
    key="app_id",
    events=(BridgeHeartbeat,),
    config={"cleanup.policy": "compact"},
)
DEAD_LETTERS = Topic(
    name="palapa.platform.deadletter.v1",
    partitions=1,
    key="consumer",
    events=(EventDeadLettered,),
    config={"cleanup.policy": "delete", "retention.ms": str(90 * DAY_MS)},
)
#: Emergencies only: a topic of their own, so no other traffic can queue in front of them.
EMERGENCY_INCIDENTS = Topic(
    name="palapa.emergency.incidents.v1",
    partitions=2,
    key="ticket",
    events=(IncidentReported, AmbulanceDispatched, PatientHandedOver, IncidentClosed),
    config={"cleanup.policy": "delete", "retention.ms": str(90 * DAY_MS)},
)
TAX_BILLS = Topic(
    name="palapa.tax.bills.v1",
    partitions=4,
    key="nop",
    events=(TaxBillIssued, TaxBillChanged, TaxBillPaid),
    config={"cleanup.policy": "delete", "retention.ms": str(90 * DAY_MS)},
)
TRANSPORT_CAMERAS = Topic(
    name="palapa.transport.cameras.v1",
    partitions=1,
    key="camera_id",
    events=(CameraRegistered, CameraWentOffline, CameraCameOnline),
    config={"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)},
)
SERVICE_REQUESTS = Topic(
    name="palapa.service_requests.v1",
    partitions=2,
    key="ticket",
    events=(ServiceRequestSubmitted, ServiceRequestStatusChanged),
    config={"cleanup.policy": "delete", "retention.ms": str(90 * DAY_MS)},
)
HEALTH_QUEUES = Topic(
    name="palapa.health.queues.v1",
    partitions=1,
    key="ticket",
    events=(QueueTicketCalled,),
    config={"cleanup.policy": "delete", "retention.ms": str(7 * DAY_MS)},
)
TICKET_UPDATES = Topic(
    name="palapa.tickets.updates.v1",
    partitions=2,
    key="ticket",
    events=(TicketUpdated,),
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
#: The catalog's registry changes, in order per app (key app_id), for services and frontends that follow it.
CATALOG_APPS = Topic(
    name="palapa.catalog.apps.v1",
    partitions=2,
    key="app_id",
    events=(AppRegistered, AppChanged, AppMarkedDormant, AppRetired),
    config={"cleanup.policy": "delete", "retention.ms": str(365 * DAY_MS)},
)
#: Commands to Curhat Ning Ita's bridge: portal complaints the legacy app must hold (it is the system of record).
CURHAT_COMMANDS = Topic(
    name="palapa.curhat.commands.v1",
    partitions=1,
    key="ticket",
    events=(RecordComplaint,),
    config={"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)},
)

ALL_TOPICS: tuple[Topic, ...] = (
    COMPLAINT_INTAKE,
    COMPLAINT_UPDATES,
    BRIDGE_QUARANTINE,
    BRIDGE_HEARTBEATS,
    DEAD_LETTERS,
    EMERGENCY_INCIDENTS,
    TAX_BILLS,
    TRANSPORT_CAMERAS,
    SERVICE_REQUESTS,
    HEALTH_QUEUES,
    TICKET_UPDATES,
    COMPLAINT_SLA,
    CATALOG_APPS,
    CURHAT_COMMANDS,
)


_TOPIC_OF: dict[str, Topic] = {etype: topic for topic in ALL_TOPICS for etype in topic.event_types}


def topic_for(event: Event | type[Event]) -> Topic:
    """The one topic an event type travels on."""
    topic = _TOPIC_OF.get(event.event_type)
    if topic is None:
        raise LookupError(f"no topic carries {event.event_type}")
    return topic
