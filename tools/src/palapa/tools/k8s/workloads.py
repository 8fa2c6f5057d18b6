"""A Deployment, a Service (when it serves HTTP) and a PodDisruptionBudget per process of the launcher's list.

Sizing (docs/deploy.md): one service process measured with `ps` at 114-128 MiB RSS idle; the request leaves
headroom for a consumer batch (up to 500 records) and the limit for bridge-pbb's 50,000-line export chunks.
"""

from __future__ import annotations

import re
from typing import Any

from palapa.devstack import SERVICES, ServiceSpec

from .access import ACCESS

IMAGE = "palapa/services:0.1.0"  # deploy/Dockerfile (docker-compose.yml's tag); overlays pin their registry's
RUN_AS = 10001  # the image's `palapa` user
LEGACY_SECRET = "palapa-legacy"  # legacy apps' database URLs and shared secrets, per environment
ENDPOINTS = "palapa-legacy-endpoints"  # legacy apps' URLs (ConfigMap), per environment
PBB_DROP = "/var/lib/palapa/pbb-drop"  # where BPKPD's nightly export lands (a PersistentVolumeClaim)
# Signed events (docs/access.md): each producer's private JWK from its own Secret `<process>-signing-key` (key `jwk`),
# and the producers' public keys (ConfigMap `palapa-signing-keys`, key `keys.json`): catalog-svc registers them at
# start, every consumer trusts them until catalog-svc's registry (SIGNING_KEYS_URL, palapa-env) answers.
# Both are made per environment by `python3 deploy/secrets/create.py --kubectl NAMESPACE` (docs/secrets.md).
SIGNING_KEY = "/run/secrets/palapa/signing-key"
SIGNING_KEYS = "/etc/palapa/signing-keys"
PUBLIC_KEYS = "palapa-signing-keys"
# Citizens' tokens (docs/gate.md): gate-svc signs them with its Ed25519 JWK from this Secret (key `jwk`), made by the
# same `create.py --kubectl`; every service checks them against CITIZEN_ISSUER (palapa-env), gate-svc's JWKS.
CITIZEN_KEY_SECRET = "gate-svc-citizen-key"

RESOURCES = {"requests": {"cpu": "100m", "memory": "192Mi"}, "limits": {"cpu": "1", "memory": "384Mi"}}
BIG_RESOURCES = {"requests": {"cpu": "250m", "memory": "384Mi"}, "limits": {"cpu": "2", "memory": "768Mi"}}
BIG = {"bridge-pbb", "sim-pbb"}  # a chunk of the 500,000-bill export in memory at once


def role(spec: ServiceSpec) -> str:
    """What NetworkPolicies and the overlays select on: a service, a bridge or a (dev-only) simulator."""
    return "simulator" if spec.name.startswith("sim-") else "bridge" if spec.name.startswith("bridge-") else "service"


#: the platform's own processes (not the legacy apps' simulators) and every process's port, for links between them
PLATFORM_NAMES = frozenset(s.name for s in SERVICES if not s.name.startswith("sim-"))
PORTS = {s.name: s.port for s in SERVICES}


def producer(spec: ServiceSpec) -> bool:
    """A process that publishes events, and so signs them with its own key."""
    return role(spec) != "simulator" and bool(spec.writes)


def verifies(spec: ServiceSpec) -> bool:
    """A process on the broker: it verifies what it consumes (and a producer's dead letters are read back)."""
    return role(spec) != "simulator" and bool(spec.reads or spec.writes)


def labels(spec: ServiceSpec) -> dict[str, str]:
    return {"app.kubernetes.io/name": spec.name, "app.kubernetes.io/part-of": "palapa", "palapa.id/role": role(spec)}


def _secret(name: str, secret: str, key: str) -> dict[str, Any]:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def env(spec: ServiceSpec) -> list[dict[str, Any]]:
    """The launcher's environment for this process (palapa.devstack.environment), from Secrets and ConfigMaps."""
    out: list[dict[str, Any]] = []
    if role(spec) != "simulator":
        out.append(_secret("DATABASE_URL", "palapa-db-app", "uri"))  # CloudNativePG's app user (postgres.yaml)
    if spec.name in ACCESS:
        # the KafkaUser's SCRAM password (Strimzi writes it into a Secret named after the user)
        out += [{"name": "KAFKA_SASL_MECHANISM", "value": "SCRAM-SHA-512"},
                {"name": "KAFKA_SASL_USERNAME", "value": spec.name},
                _secret("KAFKA_SASL_PASSWORD", spec.name, "password")]
    if producer(spec):
        out.append({"name": f"{spec.env_prefix}SIGNING_KEY_FILE", "value": f"{SIGNING_KEY}/jwk"})
    if verifies(spec):
        out.append({"name": "SIGNING_TRUST_FILE", "value": f"{SIGNING_KEYS}/keys.json"})
    if spec.name == "gate-svc":  # the citizens' token issuer: its private key (production refuses to start without)
        out.append(_secret("GATE_CITIZEN_KEY", CITIZEN_KEY_SECRET, "jwk"))
    if spec.name == "catalog-svc":  # the registry: the producers' public keys are registered as it starts
        out.append({"name": "CATALOG_SIGNING_KEYS_SEED", "value": f"{SIGNING_KEYS}/keys.json"})
    if spec.port:
        out += [{"name": f"{spec.env_prefix}HTTP_HOST", "value": "0.0.0.0"},
                {"name": f"{spec.env_prefix}HTTP_PORT", "value": str(spec.port)}]
    if spec.legacy:
        out.append(_secret(f"{spec.env_prefix}LEGACY_DATABASE_URL", LEGACY_SECRET, "curhat-database-url"))
    for name in spec.databases:
        out.append(_secret(f"{name.upper()}_DATABASE_URL", LEGACY_SECRET, f"{name}-database-url"))
    if spec.pbb:
        out += [_secret(f"{spec.env_prefix}LEGACY_DATABASE_URL", LEGACY_SECRET, "pbb-database-url"),
                {"name": f"{spec.env_prefix}DROP_FOLDER", "value": PBB_DROP}]
    if spec.name == "bridge-mapped":
        out.append({"name": "BRIDGE_MAPPED_MAPPINGS_DIR", "value": "/app/deploy/bridges"})  # in the image
    for name, template in spec.links:
        if "{secret}" in template:  # shared by the two ends of a link (e.g. PSC 119's webhook signing key)
            out.append(_secret(f"{spec.env_prefix}{name}", LEGACY_SECRET, name.lower().replace("_", "-")))
        elif _linked(template) in PLATFORM_NAMES:  # another platform process: its in-cluster Service
            out.append({"name": f"{spec.env_prefix}{name}",
                        "value": template.format(host={n: n for n in PLATFORM_NAMES}, port=PORTS)})
        else:  # a legacy app's address: the app's own in production, its simulator in dev
            key = f"{spec.env_prefix}{name}"
            out.append({"name": key, "valueFrom": {"configMapKeyRef": {"name": ENDPOINTS, "key": key}}})
    return out


def _linked(template: str) -> str | None:
    """The process a link's template names ({port[x]} or {host[x]})."""
    found = re.search(r"\{(?:port|host)\[([^\]]+)\]\}", template)
    return found.group(1) if found else None


def _probe(path: str, period: int, failures: int) -> dict[str, Any]:
    return {"httpGet": {"path": path, "port": "http"}, "periodSeconds": period, "timeoutSeconds": 3,
            "failureThreshold": failures}


def container(spec: ServiceSpec) -> dict[str, Any]:
    c: dict[str, Any] = {
        "name": spec.name, "image": IMAGE, "command": ["python", "-m", spec.module],
        "env": env(spec),
        "resources": BIG_RESOURCES if spec.name in BIG else RESOURCES,
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                            "capabilities": {"drop": ["ALL"]}},
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }
    if role(spec) != "simulator":  # the legacy apps' stand-ins know no Kafka, database or staff
        c["envFrom"] = [{"configMapRef": {"name": "palapa-env"}}]
    if spec.port:
        c["ports"] = [{"name": "http", "containerPort": spec.port}]
        # importing a service costs ~5 s of CPU (more on a busy node): liveness waits for the first /healthz
        c["startupProbe"] = _probe("/healthz", 2, 60)
        c["readinessProbe"] = _probe("/readyz", 5, 3)
        c["livenessProbe"] = _probe("/healthz", 10, 3)
    # A process without HTTP (the simulators sim-curhat, sim-puskesmas, sim-pbb: dev only) has no probe: it is
    # judged by its process, which exits on a fatal error and is restarted by the kubelet.
    if spec.pbb:
        c["volumeMounts"].append({"name": "pbb-drop", "mountPath": PBB_DROP})
    if producer(spec):
        c["volumeMounts"].append({"name": "signing-key", "mountPath": SIGNING_KEY, "readOnly": True})
    if verifies(spec):
        c["volumeMounts"].append({"name": "signing-keys", "mountPath": SIGNING_KEYS, "readOnly": True})
    return c


def deployment(spec: ServiceSpec) -> dict[str, Any]:
    volumes: list[dict[str, Any]] = [{"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}}]
    if spec.pbb:
        volumes.append({"name": "pbb-drop", "persistentVolumeClaim": {"claimName": "pbb-drop"}})
    if producer(spec):  # readable by the process's user only (fsGroup owns the files)
        volumes.append({"name": "signing-key", "secret": {"secretName": f"{spec.name}-signing-key",
                                                           "defaultMode": 0o440}})
    if verifies(spec):  # public keys: a rotation in place reaches the consumers (they re-read a changed file)
        volumes.append({"name": "signing-keys", "configMap": {"name": PUBLIC_KEYS}})
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": spec.name, "labels": labels(spec)},
        "spec": {
            "replicas": 1, "revisionHistoryLimit": 5,
            "selector": {"matchLabels": {"app.kubernetes.io/name": spec.name}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
            "template": {
                "metadata": {"labels": labels(spec)},
                "spec": {
                    "automountServiceAccountToken": False,
                    "securityContext": {"runAsNonRoot": True, "runAsUser": RUN_AS, "runAsGroup": RUN_AS,
                                        "fsGroup": RUN_AS, "seccompProfile": {"type": "RuntimeDefault"}},
                    "terminationGracePeriodSeconds": 30,
                    "containers": [container(spec)], "volumes": volumes,
                },
            },
        },
    }


def service(spec: ServiceSpec) -> dict[str, Any]:
    return {
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": spec.name, "labels": labels(spec)},
        "spec": {"selector": {"app.kubernetes.io/name": spec.name},
                 "ports": [{"name": "http", "port": spec.port, "targetPort": "http"}]},
    }


def disruption_budget(spec: ServiceSpec) -> dict[str, Any]:
    """One pod at a time may go for a node drain; with two or more replicas (production) the rest serve."""
    return {
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
        "metadata": {"name": spec.name, "labels": labels(spec)},
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": spec.name}}},
    }


def resources(spec: ServiceSpec) -> list[dict[str, Any]]:
    return [deployment(spec), *([service(spec)] if spec.port else []), disruption_budget(spec)]


def platform() -> list[ServiceSpec]:
    """Every process but the legacy apps' simulators: what every environment runs."""
    return [s for s in SERVICES if role(s) != "simulator"]


def simulators() -> list[ServiceSpec]:
    return [s for s in SERVICES if role(s) == "simulator"]
