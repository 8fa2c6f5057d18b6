"""The one list of processes (deploy/services.toml) says what the code does: every schema owner, every consumer
and its group, every topic produced, and how many replicas may run."""

from __future__ import annotations

import pytest

from palapa.contracts.topics import ALL_TOPICS
from palapa.devstack.services import SERVICES, ServiceSpec
from palapa.kit.migrate import schemas

from .declared import consumed, produced

BY_NAME = {s.name: s for s in SERVICES}
PARTITIONS = {t.name: t.partitions for t in ALL_TOPICS}
KAFKA_USERS = [s for s in SERVICES if s.kind != "simulator"]


def test_every_schema_owner_is_declared_with_its_schema():
    owners = {name: metadata.schema for name, metadata in schemas().items()}
    declared = {s.name: s.schema for s in SERVICES if s.schema}
    assert declared == owners


def test_every_topic_named_is_a_registered_topic():
    for spec in SERVICES:
        unknown = (set(spec.reads) | set(spec.writes)) - set(PARTITIONS)
        assert not unknown, f"{spec.name} names unregistered topics {unknown}"


@pytest.mark.parametrize("spec", KAFKA_USERS, ids=lambda s: s.name)
def test_what_a_process_consumes_and_as_which_group_is_what_its_handlers_subscribe(spec: ServiceSpec, monkeypatch):
    assert consumed(spec, monkeypatch) == spec.reads


@pytest.mark.parametrize("spec", SERVICES, ids=lambda s: s.name)
def test_what_a_process_produces_is_what_its_code_builds(spec: ServiceSpec):
    assert set(spec.writes) == produced(spec)


def test_simulators_stay_off_the_broker():
    for spec in SERVICES:
        if spec.kind == "simulator":
            assert not spec.reads and not spec.writes and not spec.schema, spec.name


@pytest.mark.parametrize("spec", SERVICES, ids=lambda s: s.name)
def test_replicas_allowed_never_exceed_what_can_work(spec: ServiceSpec):
    if spec.kind in ("bridge", "simulator"):  # a bridge's checkpoint and a legacy app's stand-in are single
        assert spec.replicas == 1
    if spec.reads:  # a replica past the partitions of what it reads would idle
        assert spec.replicas <= max(PARTITIONS[t] for t in spec.reads)


def test_names_ports_and_prefixes_are_unique():
    for attr in ("name", "port", "env_prefix"):
        values = [getattr(s, attr) for s in SERVICES if getattr(s, attr) is not None]
        assert len(values) == len(set(values)), attr


def test_links_name_declared_processes():
    from string import Formatter

    for spec in SERVICES:
        for _, template in spec.links:
            for _, field, _, _ in Formatter().parse(template):
                if field and field != "secret":
                    kind, _, target = field.partition("[")
                    assert kind in ("host", "port") and target.rstrip("]") in BY_NAME, (spec.name, template)
