"""bridge-mapped, declared on the kit's runner: one feed per mapping file (deploy/bridges/*.yaml), all in one
process; the translation is built from each file. Nothing connects at import."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter

from palapa.bridgekit.runner import Declared, bridge_app
from palapa.contracts.topics import BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, Topic, topic_for
from palapa.kit.http import serve
from palapa.kit.runtime import Runtime
from palapa.kit.settings import load

from . import mapping as mappings
from . import tables
from .feeds import feed_of
from .settings import BridgeMappedSettings
from .yamlnodes import MappingError

NAME = "bridge-mapped"
log = logging.getLogger(__name__)


def publishes(found: list[mappings.Mapping]) -> list[Topic]:
    """The quarantine and heartbeat topics, and the topic of each mapping's event."""
    topics = [BRIDGE_QUARANTINE, BRIDGE_HEARTBEATS]
    for m in found:
        if topic_for(m.event) not in topics:
            topics.append(topic_for(m.event))
    return topics


def declare(found: list[mappings.Mapping], settings: BridgeMappedSettings):
    def declared(runtime: Runtime) -> Declared:
        made = [(m, *feed_of(runtime, m, settings)) for m in found]

        async def announce() -> None:
            for m, feed, _ in made:
                log.info("bridging %s: %s → %s (%s)", m.app_id, feed.bridge.what, m.event.__name__, m.file)

        return Declared([feed for _, feed, _ in made], on_start=[announce], close=[close for _, _, close in made],
                        state={"mapped": {m.app_id: feed for m, feed, _ in made}})

    return declared


def create_app(settings: BridgeMappedSettings, *, exporter: SpanExporter | None = None,
               mapped: list[mappings.Mapping] | None = None) -> FastAPI:
    """The bridges of every mapping in settings.mappings_dir (MappingError when one is invalid)."""
    found = mappings.load_folder(settings.mappings_dir) if mapped is None else mapped
    return bridge_app(NAME, settings, tables.metadata, publishes(found), declare(found, settings), exporter=exporter)


def check(folder: Path) -> int:
    """`python -m palapa.bridge_mapped --check [folder]`: validate mapping files without starting (CI, before
    deploy)."""
    try:
        found = mappings.load_folder(folder)
    except MappingError as exc:
        print(f"{NAME}: mapping files refused:\n{exc}", file=sys.stderr)
        return 1
    for m in found:
        print(f"{m.file}: ok: {m.app_id} → {m.event.__name__} ({len(m.fields)} fields)")
    return 0


def main() -> None:
    if "--check" in sys.argv[1:]:
        rest = [a for a in sys.argv[1:] if a != "--check"]
        sys.exit(check(Path(rest[0]) if rest else load(BridgeMappedSettings, NAME).mappings_dir))
    settings = load(BridgeMappedSettings, NAME)
    try:
        app = create_app(settings)
    except MappingError as exc:  # each line: file:line: reason
        sys.exit(f"{NAME}: mapping files refused:\n{exc}")
    serve(app, settings.http_host, settings.http_port, settings.log_level)
