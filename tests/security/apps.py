"""Every HTTP service's app, built in-process from settings that connect nowhere but to a database holding only the
kit's audit log and outbox (no lifespan is entered: a request the protection table admits by mistake reaches a
route with none of its service's tables and fails loudly, never quietly; a refusal the table makes is on the
audit log, where the attacker's table looks for it)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

BRIDGES = Path(__file__).parents[2] / "deploy" / "bridges"
NOWHERE = {"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1", "DATABASE_URL": "postgresql+asyncpg://x@127.0.0.1:1/x"}
LEGACY = "postgresql+asyncpg://x@127.0.0.1:1/legacy"

#: service → (its package, its settings class, what its settings need besides the broker and database)
SERVICES: dict[str, tuple[str, str, dict]] = {
    "complaint-svc": ("palapa.complaint", "ComplaintSettings", {}),
    "catalog-svc": ("palapa.catalog", "CatalogSettings", {}),
    "notify-svc": ("palapa.notify", "NotifySettings", {}),
    "tracking-svc": ("palapa.tracking", "TrackingSettings", {}),
    "taxbill-svc": ("palapa.taxbill", "TaxBillSettings", {}),
    "ops-svc": ("palapa.ops", "OpsSettings", {}),
    "bridge-curhat": ("palapa.bridge_curhat", "BridgeCurhatSettings", {"legacy_database_url": LEGACY}),
    "bridge-psc119": ("palapa.bridge_psc119", "BridgePsc119Settings", {"webhook_secret": "w" * 32}),
    "bridge-pbb": ("palapa.bridge_pbb", "BridgePbbSettings", {"legacy_database_url": LEGACY,
                                                             "drop_folder": "/nonexistent/pbb-exports"}),
    "bridge-cctv": ("palapa.bridge_cctv", "BridgeCctvSettings", {}),
    "bridge-simakel": ("palapa.bridge_simakel", "BridgeSimakelSettings", {}),
    "bridge-mapped": ("palapa.bridge_mapped", "BridgeMappedSettings", {"mappings_dir": BRIDGES}),
}


def build(service: str, issuer: str | None, database_url: str | None = None) -> object:
    """`service`'s app, validating tokens against `issuer` (None: no identity provider configured), its refusals
    recorded in `database_url` (None: nowhere)."""
    package, settings_name, extra = SERVICES[service]
    settings_cls = getattr(importlib.import_module(f"{package}.settings"), settings_name)
    create_app: Callable = importlib.import_module(f"{package}.main").create_app
    settings = settings_cls(**{**NOWHERE, **({"DATABASE_URL": database_url} if database_url else {})}, **extra,
                            **({"OIDC_ISSUER": issuer} if issuer else {}))
    if service == "bridge-mapped":  # its YAML names its source's database by an environment variable
        from palapa.bridge_mapped.mapping import load_folder

        return create_app(settings, mapped=load_folder(BRIDGES, {"PUSKESMAS_DATABASE_URL": LEGACY}))
    return create_app(settings)


async def with_audit_log_only(app) -> None:
    """Make the app's schema with the kit's audit log and outbox in it, and nothing of its service's own."""
    from sqlalchemy import text

    runtime = app.state.runtime
    async with runtime.engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{runtime.audit_log.schema}"'))
        for table in (runtime.audit_log, runtime.outbox.table):
            await conn.run_sync(lambda sync, t=table: t.create(sync, checkfirst=True))


async def refusals_of(app, route: str) -> list[dict]:
    """The audit log's records of the table's refusals on `route` ("METHOD /template")."""
    from palapa.kit.audit import audit_records

    runtime = app.state.runtime
    async with runtime.sessions() as session:
        return await audit_records(session, runtime.audit_log, object_type="route", object_id=route, limit=200)
