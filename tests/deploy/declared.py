"""What each process of the one list really does, read off its code: the topics it consumes (as which group), from
its app built offline, and the topics it produces to, from the events its code builds."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
from pathlib import Path

from palapa.contracts import events as events_pkg
from palapa.contracts.events.base import Event
from palapa.contracts.topics import (
    BRIDGE_HEARTBEATS,
    BRIDGE_QUARANTINE,
    DEAD_LETTERS,
    topic_for,
)
from palapa.devstack.services import SERVICES, ServiceSpec
from palapa.kit import runtime as kit_runtime

ROOT = Path(__file__).resolve().parents[2]
BRIDGES = ROOT / "deploy" / "bridges"
NOWHERE = {"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1", "DATABASE_URL": "postgresql+asyncpg://x@127.0.0.1:1/x"}
LEGACY = "postgresql+asyncpg://x@127.0.0.1:1/legacy"
AUDIT = "palapa.platform.audit.v1"


def _event_classes() -> dict[str, type[Event]]:
    found = {}
    for info in importlib.import_module("pkgutil").iter_modules(events_pkg.__path__):
        mod = importlib.import_module(f"{events_pkg.__name__}.{info.name}")
        for name, cls in inspect.getmembers(mod, inspect.isclass):
            if issubclass(cls, Event) and cls is not Event and getattr(cls, "event_type", None):
                found[name] = cls
    return found


def package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    return Path(spec.submodule_search_locations[0]) if spec.submodule_search_locations else Path(spec.origin).parent


def produced(spec: ServiceSpec) -> set[str]:
    """The topics of every event `spec`'s code builds, plus what the kit produces for it: dead letters for a
    consumer, heartbeats, quarantine and replays' audit for a bridge, audit events where staff actions are audited."""
    classes = _event_classes()
    topics: set[str] = set()
    for path in package_dir(spec.module).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name in classes:
                try:
                    topics.add(topic_for(classes[name]).name)
                except LookupError:
                    pass
            elif name == "audit" and isinstance(node.func, ast.Attribute):
                topics.add(AUDIT)
    if spec.name == "bridge-mapped":  # its events are named in its YAML files
        topics |= {topic_for(m.event).name for m in _mappings(spec)}
    if spec.kind == "bridge":  # bridgekit's heartbeat, quarantine and (audited) replay
        topics |= {BRIDGE_HEARTBEATS.name, BRIDGE_QUARANTINE.name, AUDIT}
    if spec.reads:
        topics.add(DEAD_LETTERS.name)
    if spec.name == "ops-svc":  # a re-driven dead letter goes back to its own topic: any topic a process reads
        topics |= {topic for other in SERVICES for topic in other.reads}
    return topics


def _mappings(spec: ServiceSpec) -> list:
    """bridge-mapped's mappings (deploy/bridges/*.yaml); the app is reached by its module's name from the list, as
    the compose test reaches settings: it is built here, never imported."""
    mapping = importlib.import_module(f"{spec.module}.mapping")
    return mapping.load_folder(BRIDGES, {"PUSKESMAS_DATABASE_URL": LEGACY})


def settings_env(spec: ServiceSpec) -> dict[str, str]:
    """The environment `spec`'s settings need to build its app, connecting nowhere."""
    env = dict(NOWHERE)
    if spec.legacy or spec.pbb:
        env[f"{spec.env_prefix}LEGACY_DATABASE_URL"] = LEGACY
    if spec.pbb:
        env[f"{spec.env_prefix}DROP_FOLDER"] = "/nonexistent/pbb-exports"
    for name in spec.databases:
        env[f"{name.upper()}_DATABASE_URL"] = LEGACY
    for name, template in spec.links:
        env[f"{spec.env_prefix}{name}"] = "w" * 32 if template == "{secret}" else "http://127.0.0.1:1"
    if spec.name == "bridge-mapped":
        env["BRIDGE_MAPPED_MAPPINGS_DIR"] = str(BRIDGES)
    return env


def consumed(spec: ServiceSpec, monkeypatch) -> dict[str, str]:
    """topic → consumer group of every subscription `spec`'s app makes as it is built (nothing connects)."""
    seen: dict[str, str] = {}
    subscribe = kit_runtime.Runtime.subscribe

    def recording(self, topic, effect, *, group_id=None, **kw):
        for t in topic if isinstance(topic, tuple) else (topic,):
            seen[t.name] = group_id or self.name
        return subscribe(self, topic, effect, group_id=group_id, **kw)

    monkeypatch.setattr(kit_runtime.Runtime, "subscribe", recording)
    for key, value in settings_env(spec).items():
        monkeypatch.setenv(key, value)
    main = importlib.import_module(f"{spec.module}.main")
    settings_mod = importlib.import_module(f"{spec.module}.settings")
    found = [c for _, c in inspect.getmembers(settings_mod, inspect.isclass)
             if c.__module__ == settings_mod.__name__ and c.__name__.endswith("Settings")]
    # the program's own class: the one no other of the module extends (a module may hold its parts too)
    (cls,) = [c for c in found if not any(o is not c and issubclass(o, c) for o in found)]
    if spec.name == "bridge-mapped":
        main.create_app(cls(), mapped=_mappings(spec))
    else:
        main.create_app(cls())
    return seen
