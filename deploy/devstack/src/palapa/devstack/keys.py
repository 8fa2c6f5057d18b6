"""Each producing process's signing key, made on first start under `<data>/keys/`, and the key set of their public
halves: catalog-svc registers it at start (CATALOG_SIGNING_KEYS_SEED), and every consumer reads it as its bootstrap
trust until catalog-svc answers (the registry's word wins once it does: palapa.kit.signing.verifier)."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from palapa.kit.signing import ANY_APP, generate, load_private, private_jwk, public_jwk

from .services import SERVICES, ServiceSpec

BRIDGES = Path(__file__).resolve().parents[4] / "bridges"  # deploy/bridges: the YAML-onboarded apps
PUBLIC = "public.json"
#: the benchmarks' and fuzzer's own key (a scratch stack's only): they inject events as any app would send them
TOOLS = "palapa-tools"


def producers() -> tuple[ServiceSpec, ...]:
    """The processes that publish events (through the kit's outbox): every one but the legacy simulators."""
    return tuple(s for s in SERVICES if not s.name.startswith("sim-"))


def apps_of(spec: ServiceSpec) -> tuple[str, ...]:
    """The apps a process's key speaks for: itself (`/services/<name>`: its dead letters, its own events) and the
    legacy apps it bridges (`/apps/<app>`)."""
    apps = (spec.name, *spec.apps)
    if spec.name == "bridge-mapped":
        apps += tuple(m for f in sorted(BRIDGES.glob("*.yaml"))
                      for m in re.findall(r"(?m)^app_id:\s*([a-z0-9-]+)\s*$", f.read_text()))
    return apps


def prepare(folder: Path, specs: tuple[ServiceSpec, ...] | None = None, *, tools: bool = False) -> dict[str, Path]:
    """The key file of each producing process (made when missing, readable by this user only), and the public
    key set beside them; returns {process name: its key file}. With `tools` (scratch stacks only), a key the
    benchmarks and the fuzzer sign with, trusted for any app by the development trust file (never registered)."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    files, entries = {}, []
    for spec in specs or producers():
        key = _key(folder / f"{spec.name}.jwk", spec.name)
        files[spec.name] = folder / f"{spec.name}.jwk"
        entries += [{"app_id": app, "kid": key.kid, "jwk": public_jwk(key)} for app in apps_of(spec)]
    if tools:
        key = _key(folder / f"{TOOLS}.jwk", TOOLS)
        files[TOOLS] = folder / f"{TOOLS}.jwk"
        entries.append({"app_id": ANY_APP, "kid": key.kid, "jwk": public_jwk(key)})
    (folder / PUBLIC).write_text(json.dumps({"keys": entries}, indent=1))
    return files


def _key(path: Path, name: str):
    if path.exists():
        return load_private(path.read_text())
    key = generate(f"{name}-{datetime.now(UTC):%Y%m%d}-1")
    path.touch(mode=0o600)
    path.write_text(private_jwk(key))
    return key
