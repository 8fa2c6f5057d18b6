"""The environment a service's process starts with: the stack's servers, ports and secrets, nothing stray."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from palapa.localstack import STAFF_CLIENT

from .keys import PUBLIC
from .services import SERVICES, ServiceSpec

if TYPE_CHECKING:
    from .stack import Stack

BRIDGES = Path(__file__).resolve().parents[4] / "bridges"  # deploy/bridges: the YAML-onboarded apps


class _Local(dict):
    """Every process's host on this machine: {host[...]} in a link."""

    def __missing__(self, key: str) -> str:
        return "127.0.0.1"


LOCAL = _Local()


#: a page's links to another page, for citizens' browsers: through the gate (Caddy, the one address; compose sets
#: the same names to its public address)
THROUGH_GATE = {"catalog-svc": {"CITIZEN_PAGE_URL": "/lacak"}, "notify-svc": {"DIRECTORY_URL": "/"}}


def service_env(stack: Stack, spec: ServiceSpec, port: int | None) -> dict[str, str]:
    """`spec`'s environment in `stack`, serving HTTP on `port` (None for a worker)."""
    settings = stack.settings
    # a service's own settings come from here, not from a stray variable of the caller's shell
    prefixes = tuple(s.env_prefix for s in SERVICES)
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env.update(
        KAFKA_BOOTSTRAP_SERVERS=stack.kafka,
        KAFKA_PROFILE=settings.kafka_profile or ("kafka" if settings.kafka_bootstrap_servers else "tansu"),
        DATABASE_URL=stack.database_url,
        LOG_LEVEL=settings.log_level,
        PYTHONUNBUFFERED="1",
        OIDC_ISSUER=stack.issuer,  # staff tokens are checked against the stack's own provider
        OIDC_AUDIENCE=STAFF_CLIENT,
    )
    if env["KAFKA_PROFILE"] == "tansu":  # a group join on Tansu waits half of it: 1.5 s instead of 3 s at each start
        env.setdefault("KAFKA_SESSION_TIMEOUT_MS", "3000")
    if "gate-svc" in stack.ports:  # citizens' tokens are minted by the stack's gate-svc and checked against its keys
        env["CITIZEN_ISSUER"] = f"http://{LOCAL['gate-svc']}:{stack.ports['gate-svc']}"
    if settings.otel_exporter_otlp_endpoint:
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = settings.otel_exporter_otlp_endpoint
    if port:
        env[f"{spec.env_prefix}HTTP_PORT"] = str(port)
    if spec.legacy:
        env[f"{spec.env_prefix}LEGACY_DATABASE_URL"] = stack.legacy_database_url
    for name in spec.databases:
        env[f"{name.upper()}_DATABASE_URL"] = stack.app_databases[name]
    if spec.name == "bridge-mapped":
        env["BRIDGE_MAPPED_MAPPINGS_DIR"] = str(BRIDGES)
    for name, template in spec.links:
        env[f"{spec.env_prefix}{name}"] = template.format(host=LOCAL, port=stack.ports, secret=stack.secret)
    for name, path in THROUGH_GATE.get(spec.name, {}).items() if "gate" in stack.ports else ():  # through the gate
        env[f"{spec.env_prefix}{name}"] = f"http://127.0.0.1:{stack.ports['gate']}{path}"
    if spec.pbb:  # BPKPD's database and the folder its nightly export is dropped in
        env[f"{spec.env_prefix}LEGACY_DATABASE_URL"] = stack.pbb_database_url
        env[f"{spec.env_prefix}DROP_FOLDER"] = str(settings.data_dir / "pbb-exports")
    # signed events: its own key (keys.py), the registry's key set, and the launcher's as the bootstrap trust
    env.pop("PALAPA_SIGNING_KEY_FILE", None)
    if not stack.signed:  # nothing signed, nothing verified (development only: production refuses it)
        env["SIGNING_VERIFY"] = "false"
    elif spec.name in stack.key_files:
        env[f"{spec.env_prefix}SIGNING_KEY_FILE"] = str(stack.key_files[spec.name])
    env["SIGNING_TRUST_FILE"] = str(stack.keys_dir / PUBLIC)
    if (stack.only is None or "catalog-svc" in stack.only) and "catalog-svc" in stack.ports:
        env["SIGNING_KEYS_URL"] = f"http://127.0.0.1:{stack.ports['catalog-svc']}/signing-keys"
    if spec.name == "catalog-svc":
        env["CATALOG_SIGNING_KEYS_SEED"] = str(stack.keys_dir / PUBLIC)
    env.update(stack.extra_env.get(spec.name, {}))
    return env
