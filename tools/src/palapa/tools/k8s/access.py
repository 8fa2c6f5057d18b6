"""What each process reads and writes on Kafka, from the one list (deploy/services.toml: `reads` topic → group,
`writes`): the KafkaUsers' ACLs and the KEDA triggers follow from it. tests/deploy/test_services.py checks the list
against the code's subscriptions and the events it builds, so nothing here is written twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from palapa.contracts.topics import ALL_TOPICS, Topic
from palapa.devstack import SERVICES

#: processes that check at start that every registry topic exists (service_app(topics=ALL_TOPICS)): Describe on all
DESCRIBES_ALL = frozenset({"catalog-svc", "taxbill-svc"})
_TOPICS = {t.name: t for t in ALL_TOPICS}


@dataclass(frozen=True)
class Access:
    """One process's Kafka access: consumer groups (name → topics) and the topics it writes."""

    groups: dict[str, tuple[Topic, ...]] = field(default_factory=dict)
    writes: tuple[Topic, ...] = ()
    describes_all: bool = False

    @property
    def reads(self) -> tuple[Topic, ...]:
        by_name = {t.name: t for topics in self.groups.values() for t in topics}  # a Topic is not hashable
        return tuple(by_name.values())


def _access(spec) -> Access:
    groups: dict[str, tuple[Topic, ...]] = {}
    for topic, group in spec.reads.items():
        groups[group] = (*groups.get(group, ()), _TOPICS[topic])
    return Access(groups, tuple(_TOPICS[t] for t in spec.writes), spec.name in DESCRIBES_ALL)


#: every process that uses Kafka (simulators do not), by name
ACCESS: dict[str, Access] = {s.name: _access(s) for s in SERVICES if s.kind != "simulator" and (s.reads or s.writes)}
