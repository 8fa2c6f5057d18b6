"""The processes of the platform, read from their one declaration, deploy/services.toml (its header says what each
field means): the launcher runs them, and compose, the manifests and the migrations test are checked against it."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DECLARATION = Path(__file__).resolve().parents[4] / "services.toml"  # deploy/services.toml
KINDS = ("service", "bridge", "simulator")


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    module: str
    env_prefix: str
    port: int | None  # HTTP port with /readyz, None for a plain worker
    legacy: bool = False  # needs the legacy Curhat Ning Ita database
    databases: tuple[str, ...] = ()  # other legacy apps' databases: name → {NAME}_DATABASE_URL, database {name}_legacy
    # settings the stack gives it (name after env_prefix → template): {host[<process>]} and {port[<process>]} are
    # another process's, {secret} a secret shared by this run's processes (e.g. a webhook's signing key)
    links: tuple[tuple[str, str], ...] = ()
    pbb: bool = False  # needs BPKPD's PBB database (payments table) and the export drop folder
    kind: str = "service"  # service, bridge or simulator
    schema: str | None = None  # the PostgreSQL schema it owns
    reads: dict[str, str] = field(default_factory=dict, hash=False)  # topic → consumer group
    writes: tuple[str, ...] = ()  # topics it produces to
    replicas: int = 1  # how many may run at once
    apps: tuple[str, ...] = ()  # the legacy apps it bridges: its signing key is registered for them (keys.py)


class DeclarationError(ValueError):
    """deploy/services.toml says something the launcher cannot run."""


def _spec(entry: dict) -> ServiceSpec:
    entry = dict(entry)
    name = entry.get("name", "?")
    try:
        spec = ServiceSpec(
            name=entry.pop("name"), module=entry.pop("module"), env_prefix=entry.pop("env_prefix"),
            port=entry.pop("port", None), legacy=entry.pop("legacy", False),
            databases=tuple(entry.pop("databases", ())), links=tuple(entry.pop("links", {}).items()),
            pbb=entry.pop("pbb", False), kind=entry.pop("kind"), schema=entry.pop("schema", None),
            reads=dict(entry.pop("reads", {})), writes=tuple(entry.pop("writes", ())),
            replicas=entry.pop("replicas"), apps=tuple(entry.pop("apps", ())),
        )
    except KeyError as exc:
        raise DeclarationError(f"{name}: {exc.args[0]} is missing") from None
    if entry:
        raise DeclarationError(f"{name}: unknown fields {sorted(entry)}")
    if spec.kind not in KINDS:
        raise DeclarationError(f"{name}: kind {spec.kind!r} is none of {KINDS}")
    if not isinstance(spec.replicas, int) or spec.replicas < 1:
        raise DeclarationError(f"{name}: replicas must be a whole number ≥ 1")
    return spec


def load(path: Path = DECLARATION) -> tuple[ServiceSpec, ...]:
    """Every process declared in `path`, in its order (the launcher's start order)."""
    specs = tuple(_spec(e) for e in tomllib.loads(path.read_text(encoding="utf-8")).get("service", []))
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise DeclarationError(f"{path.name}: a name is declared twice")
    return specs


SERVICES: tuple[ServiceSpec, ...] = load()

#: The Curhat Ning Ita flow (legacy row → bridge → complaint-svc → notify-svc, the catalog following it): what fuzz,
#: chaos and the latency/throughput benchmarks drive and check, started without the other apps' processes.
CURHAT_FLOW: tuple[str, ...] = ("complaint-svc", "catalog-svc", "notify-svc", "bridge-curhat", "sim-curhat")
