"""Strimzi KafkaTopics from the contracts' registry, KafkaUsers with the ACLs of `access.ACCESS`, and the KEDA
ScaledObjects that scale each consumer by its groups' lag."""

from __future__ import annotations

from typing import Any

from palapa.contracts.topics import ALL_TOPICS, Topic

from .access import ACCESS, Access

CLUSTER = "palapa"  # the Kafka resource's name; Strimzi names the bootstrap Service after it
BOOTSTRAP = f"{CLUSTER}-kafka-bootstrap:9092"
LAG_THRESHOLD = 500  # records waiting per replica before KEDA adds one: ~1 s of work at the measured rates
KEDA_USER = "keda"  # reads offsets and lag, nothing else


def topic_resource_name(topic: Topic) -> str:
    """A Kubernetes name (DNS subdomain: no `_`) for a topic; spec.topicName keeps the real one."""
    return topic.name.replace("_", "-")


def kafka_topic(topic: Topic) -> dict[str, Any]:
    """Production's durability (replicas 3, min.insync 2); the dev overlay lowers both to 1."""
    return {
        "apiVersion": "kafka.strimzi.io/v1", "kind": "KafkaTopic",
        "metadata": {"name": topic_resource_name(topic), "labels": {"strimzi.io/cluster": CLUSTER}},
        "spec": {"topicName": topic.name, "partitions": topic.partitions, "replicas": 3,
                 "config": {**topic.config, "min.insync.replicas": "2"}},
    }


def _acl(kind: str, name: str, operations: list[str], pattern: str = "literal") -> dict[str, Any]:
    return {"resource": {"type": kind, "name": name, "patternType": pattern}, "operations": operations}


def acls(access: Access) -> list[dict[str, Any]]:
    """Read only the topics it consumes (in its own groups), write only those it produces."""
    out = []
    if access.describes_all:
        out.append(_acl("topic", "palapa.", ["Describe"], "prefix"))
    out += [_acl("topic", t.name, ["Read", "Describe"]) for t in access.reads]
    out += [_acl("group", g, ["Read"]) for g in access.groups]
    out += [_acl("topic", t.name, ["Write", "Describe"]) for t in access.writes]
    return out


def kafka_user(name: str, access: Access) -> dict[str, Any]:
    """SCRAM-SHA-512; the User Operator writes the password into a Secret of the same name (key `password`)."""
    return {
        "apiVersion": "kafka.strimzi.io/v1", "kind": "KafkaUser",
        "metadata": {"name": name, "labels": {"strimzi.io/cluster": CLUSTER}},
        "spec": {"authentication": {"type": "scram-sha-512"},
                 "authorization": {"type": "simple", "acls": acls(access)}},
    }


def keda_user() -> dict[str, Any]:
    """KEDA reads each group's committed offsets and the topics' end offsets: Describe, never Read."""
    groups = sorted(g for a in ACCESS.values() for g in a.groups)
    user = kafka_user(KEDA_USER, Access())
    user["spec"]["authentication"]["password"] = {
        "valueFrom": {"secretKeyRef": {"name": "keda-kafka", "key": "password"}}}
    user["spec"]["authorization"]["acls"] = [_acl("topic", "palapa.", ["Describe"], "prefix"),
                                             *(_acl("group", g, ["Describe"]) for g in groups)]
    return user


def max_replicas(access: Access) -> int:
    """The most partitions one of its groups can spread: more replicas would only idle in every group."""
    return max(max(t.partitions for t in topics) for topics in access.groups.values())


def scaled_object(name: str, access: Access) -> dict[str, Any]:
    """One kafka trigger per consumer group; KEDA takes the largest wish, and each trigger alone never asks for
    more replicas than its topics have partitions (allowIdleConsumers false)."""
    triggers = []
    for group, topics in access.groups.items():
        metadata = {"bootstrapServers": BOOTSTRAP, "consumerGroup": group, "lagThreshold": str(LAG_THRESHOLD),
                    "offsetResetPolicy": "earliest", "allowIdleConsumers": "false", "sasl": "scram_sha512",
                    "tls": "disable"}
        if len(topics) == 1:
            metadata["topic"] = topics[0].name  # several topics: KEDA sums the lag of every topic the group reads
        triggers.append({"type": "kafka", "name": group, "metadata": metadata,
                         "authenticationRef": {"name": "kafka-lag"}})
    # they serve HTTP too (search, look-ups, case API): busy CPU adds a replica, within the same bound
    triggers.append({"type": "cpu", "name": "cpu", "metricType": "Utilization", "metadata": {"value": "70"}})
    return {
        "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
        "metadata": {"name": name},
        "spec": {"scaleTargetRef": {"name": name}, "minReplicaCount": 1, "maxReplicaCount": max_replicas(access),
                 "pollingInterval": 15, "cooldownPeriod": 300, "triggers": triggers},
    }


def trigger_authentication() -> dict[str, Any]:
    """KEDA's SCRAM login as the `keda` KafkaUser, from the Secret `keda-kafka` (username, password)."""
    return {
        "apiVersion": "keda.sh/v1alpha1", "kind": "TriggerAuthentication", "metadata": {"name": "kafka-lag"},
        "spec": {"secretTargetRef": [{"parameter": p, "name": "keda-kafka", "key": p}
                                     for p in ("username", "password")]},
    }


def topics() -> list[dict[str, Any]]:
    return [kafka_topic(t) for t in ALL_TOPICS]


def users() -> list[dict[str, Any]]:
    return [*(kafka_user(name, a) for name, a in ACCESS.items()), keda_user()]


#: Scaled by lag: the services whose work is consuming. Bridges poll a legacy source and run one replica each
#: (their checkpoint's compare-and-set makes a second one wasted work); notify-svc is scaled by CPU (gate.yaml).
LAG_SCALED = ("complaint-svc", "catalog-svc", "tracking-svc", "taxbill-svc")


def scaling() -> list[dict[str, Any]]:
    return [trigger_authentication(), *(scaled_object(n, ACCESS[n]) for n in LAG_SCALED)]
