"""The registry of topics: name, partitions, retention or compaction, key, event types.

Each domain module of `palapa.contracts.events` declares its topics next to their events; this module gathers them.
"""

from __future__ import annotations

from .events import DOMAINS
from .events.base import DAY_MS, Event, Topic
from .events.bridges import BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE
from .events.cases import COMPLAINT_SLA, COMPLAINT_UPDATES
from .events.catalog import CATALOG_APPS
from .events.citizens import CITIZEN_BILLS, CITIZEN_CASES
from .events.complaints import COMPLAINT_INTAKE
from .events.curhat import CURHAT_COMMANDS
from .events.health import EMERGENCY_INCIDENTS, HEALTH_QUEUES
from .events.platform import AUDIT, DEAD_LETTERS
from .events.tax import TAX_BILLS, TAX_REMINDERS
from .events.tickets import SERVICE_REQUESTS, SIMAKEL_COMMANDS, TICKET_UPDATES
from .events.transport import TRANSPORT_CAMERAS

__all__ = [
    "ALL_TOPICS", "BRIDGE_HEARTBEATS", "BRIDGE_QUARANTINE", "CATALOG_APPS", "CITIZEN_BILLS", "CITIZEN_CASES",
    "COMPLAINT_INTAKE", "COMPLAINT_SLA",
    "COMPLAINT_UPDATES", "CURHAT_COMMANDS", "DAY_MS", "DEAD_LETTERS", "EMERGENCY_INCIDENTS", "HEALTH_QUEUES",
    "SERVICE_REQUESTS", "SIMAKEL_COMMANDS", "TAX_BILLS", "TAX_REMINDERS", "TICKET_UPDATES", "TRANSPORT_CAMERAS",
    "Topic", "topic_for",
]

#: The topics in the order they were introduced, which topic creation and `./palapa topics` keep; a topic a domain
#: declares later follows them, in the order of DOMAINS, without being listed here.
_INTRODUCED = (
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
    AUDIT,
    SIMAKEL_COMMANDS,
    TAX_REMINDERS,
)
_DECLARED = tuple(topic for domain in DOMAINS for topic in domain.TOPICS)

#: Every topic the domains declare, once (contracts/tests check it).
ALL_TOPICS: tuple[Topic, ...] = (*_INTRODUCED, *(t for t in _DECLARED if t not in _INTRODUCED))


_TOPIC_OF: dict[str, Topic] = {etype: topic for topic in ALL_TOPICS for etype in topic.event_types}


def topic_for(event: Event | type[Event]) -> Topic:
    """The one topic an event type travels on."""
    topic = _TOPIC_OF.get(event.event_type)
    if topic is None:
        raise LookupError(f"no topic carries {event.event_type}")
    return topic
