"""The broker's users and ACLs (deploy/kafka/init-access.sh, run by compose's kafka-access step) follow the one
list: each process signs in as itself, reads only what it consumes in its own groups, writes only what it produces.
Static: no image can be pulled here."""

from __future__ import annotations

import importlib.util
import shlex
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from palapa.devstack.services import SERVICES as DECLARED

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "kafka" / "init-access.sh"
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
USERS = [s for s in DECLARED if s.kind != "simulator"]


def _generator():
    spec = importlib.util.spec_from_file_location("palapa_kafka_access", ROOT / "deploy" / "kafka" / "access.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def granted() -> tuple[list[str], dict[str, set[tuple[str, str, str]]]]:
    """The users the script creates and, per user, (operation, resource type, name) of every ACL; a prefixed
    pattern's name ends with '*'."""
    users, acls = [], defaultdict(set)
    for line in SCRIPT.read_text().splitlines():
        if not line.startswith(("user ", "allow ")):  # the functions and comments above the commands
            continue
        words = shlex.split(line)
        if words[:1] == ["user"]:
            users.append(words[1])
        elif words[:1] == ["allow"]:
            user, args = words[1], words[2:]
            ops = [args[i + 1] for i, a in enumerate(args) if a == "--operation"]
            pattern = "--resource-pattern-type"
            prefixed = pattern in args and args[args.index(pattern) + 1] == "prefixed"
            resources = [(a[2:], args[i + 1] + ("*" if prefixed else "")) for i, a in enumerate(args)
                         if a in ("--topic", "--group", "--cluster", "--transactional-id")]
            assert ops and resources, line
            acls[user] |= {(op, kind, name) for op in ops for kind, name in resources}
    return users, acls


def test_the_script_is_what_the_one_list_makes_now():
    assert SCRIPT.read_text() == _generator().script(), "run python3 deploy/kafka/access.py"


def test_every_process_but_the_simulators_has_its_own_user_and_the_topics_step_one():
    users, _ = granted()
    assert sorted(users) == sorted(["topics", *(s.name for s in USERS)])


@pytest.mark.parametrize("spec", USERS, ids=lambda s: s.name)
def test_a_process_reads_only_what_it_consumes_in_its_groups_and_writes_only_what_it_produces(spec):
    acls = granted()[1][spec.name]
    assert {n for op, kind, n in acls if op == "Read" and kind == "topic"} == set(spec.reads)
    assert {n for op, kind, n in acls if op == "Read" and kind == "group"} == set(spec.reads.values())
    assert {n for op, kind, n in acls if op == "Write"} == set(spec.writes)
    # besides: only the topics' metadata (names, partitions, ids), which every client asks for
    assert {a for a in acls if a[0] not in ("Read", "Write")} == {("Describe", "topic", "palapa.*")}


def test_a_bridge_may_write_only_its_own_topics_and_no_one_may_do_all():
    _, acls = granted()
    for spec in USERS:
        if spec.kind == "bridge":
            others = {w for s in USERS if s.kind == "bridge" and s.name != spec.name for w in s.writes}
            own_domain = set(spec.writes) - others  # heartbeats, quarantine, audit are every bridge's
            assert own_domain, f"{spec.name} writes no topic of its own"
    everything = {a for user_acls in acls.values() for a in user_acls}
    assert not {a for a in everything if a[0] == "All" or a[2] in ("*", "palapa.*") and a[0] != "Describe"} - {
        ("Create", "topic", "palapa.*")}
    assert acls["topics"] == {("Create", "topic", "palapa.*"), ("Describe", "topic", "palapa.*")}


@pytest.mark.parametrize("spec", USERS, ids=lambda s: s.name)
def test_in_compose_each_process_signs_in_as_its_user_with_its_own_secret(spec):
    svc = COMPOSE[spec.name]
    env = svc["environment"]
    assert env["KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
    assert env["KAFKA_SASL_USERNAME"] == spec.name
    assert env["KAFKA_SASL_PASSWORD_FILE"] == f"/run/secrets/kafka-{spec.name}"
    assert f"kafka-{spec.name}" in svc["secrets"]
    assert not [s for s in svc["secrets"] if s.startswith("kafka-") and s != f"kafka-{spec.name}"]


def test_the_access_step_runs_before_topics_and_topics_before_every_process():
    access = COMPOSE["kafka-access"]
    assert access["network_mode"] == "service:kafka" and "init-access.sh" in " ".join(access["command"])
    assert set(access["secrets"]) == {"kafka-topics", *(f"kafka-{s.name}" for s in USERS)}
    assert COMPOSE["topics"]["depends_on"]["kafka-access"]["condition"] == "service_completed_successfully"
    assert COMPOSE["topics"]["environment"]["KAFKA_SASL_USERNAME"] == "topics"
    for spec in USERS:
        assert COMPOSE[spec.name]["depends_on"]["topics"]["condition"] == "service_completed_successfully"


def test_the_broker_authenticates_and_authorizes_every_client_it_can_be_reached_by():
    env = COMPOSE["kafka"]["environment"]
    assert env["KAFKA_AUTHORIZER_CLASS_NAME"].endswith("StandardAuthorizer")
    assert env["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    protocols = dict(p.split(":") for p in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    for listener in env["KAFKA_LISTENERS"].split(","):
        name, _, address = listener.partition("://")
        if protocols[name] == "PLAINTEXT":  # no user: reachable from inside the broker's container only
            assert address.startswith("localhost:"), listener
        else:
            assert protocols[name] == "SASL_PLAINTEXT" and env["KAFKA_SASL_ENABLED_MECHANISMS"] == "SCRAM-SHA-512"
    assert "localhost" in env["KAFKA_CONTROLLER_QUORUM_VOTERS"]
