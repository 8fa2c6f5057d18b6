"""What each process reads and writes on Kafka: the KafkaUsers' ACLs and the KEDA triggers follow from it.

Until the one list of services carries each process's topics (issue 21), this table is read off the code:
`runtime.subscribe(...)` calls and their `group_id`, and each service's `publishes`. Every consumer also writes
the dead-letter topic (the inbox reports there); a process that audits staff actions writes the audit topic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from palapa.contracts.events.platform import AUDIT
from palapa.contracts.topics import (
    BRIDGE_HEARTBEATS,
    BRIDGE_QUARANTINE,
    CATALOG_APPS,
    COMPLAINT_INTAKE,
    COMPLAINT_SLA,
    COMPLAINT_UPDATES,
    CURHAT_COMMANDS,
    DEAD_LETTERS,
    EMERGENCY_INCIDENTS,
    HEALTH_QUEUES,
    SERVICE_REQUESTS,
    TAX_BILLS,
    TICKET_UPDATES,
    TRANSPORT_CAMERAS,
    Topic,
)


@dataclass(frozen=True)
class Access:
    """One process's Kafka access: consumer groups (name → topics) and the topics it writes."""

    groups: dict[str, tuple[Topic, ...]] = field(default_factory=dict)
    writes: tuple[Topic, ...] = ()
    # ensure_topics at start (service_app(topics=ALL_TOPICS)) lists every topic: Describe on all, nothing more
    describes_all: bool = False

    @property
    def reads(self) -> tuple[Topic, ...]:
        by_name = {t.name: t for topics in self.groups.values() for t in topics}  # a Topic is not hashable
        return tuple(by_name.values())


def _bridge(*topics: Topic, commands: dict[str, tuple[Topic, ...]] | None = None) -> Access:
    """A bridge writes its domain topic, quarantine and heartbeats, and audits replays (bridgekit)."""
    writes = (*topics, BRIDGE_QUARANTINE, BRIDGE_HEARTBEATS, AUDIT, *((DEAD_LETTERS,) if commands else ()))
    return Access(groups=commands or {}, writes=writes)


ACCESS: dict[str, Access] = {
    "complaint-svc": Access(groups={"complaint-svc": (COMPLAINT_INTAKE,)},
                            writes=(COMPLAINT_UPDATES, COMPLAINT_SLA, CURHAT_COMMANDS, AUDIT, DEAD_LETTERS)),
    "catalog-svc": Access(
        groups={"catalog-svc-heartbeats": (BRIDGE_HEARTBEATS,), "catalog-svc-quarantine": (BRIDGE_QUARANTINE,),
                # liveness/handlers.py TRAFFIC_TOPICS: the domain topics whose traffic shows an app alive
                "catalog-svc-traffic": (COMPLAINT_INTAKE, EMERGENCY_INCIDENTS, TAX_BILLS, SERVICE_REQUESTS,
                                        HEALTH_QUEUES, TRANSPORT_CAMERAS)},
        writes=(CATALOG_APPS, AUDIT, DEAD_LETTERS), describes_all=True),
    "notify-svc": Access(groups={"notify-svc": (COMPLAINT_UPDATES,), "notify-svc-tickets": (TICKET_UPDATES,)},
                         writes=(DEAD_LETTERS,)),
    "tracking-svc": Access(groups={"tracking-svc": (SERVICE_REQUESTS,),
                                   "tracking-svc-emergency": (EMERGENCY_INCIDENTS,)},
                           writes=(TICKET_UPDATES, DEAD_LETTERS)),
    "taxbill-svc": Access(groups={"taxbill-svc": (TAX_BILLS,)}, writes=(DEAD_LETTERS,), describes_all=True),
    "bridge-curhat": _bridge(COMPLAINT_INTAKE, commands={"bridge-curhat-commands": (CURHAT_COMMANDS,)}),
    # deploy/bridges/*.yaml: today the puskesmas queue's QueueTicketCalled; a new mapping's topic goes here too
    "bridge-mapped": _bridge(HEALTH_QUEUES),
    "bridge-psc119": _bridge(EMERGENCY_INCIDENTS),
    "bridge-cctv": _bridge(TRANSPORT_CAMERAS),
    "bridge-simakel": _bridge(SERVICE_REQUESTS),
    "bridge-pbb": _bridge(TAX_BILLS),
}
