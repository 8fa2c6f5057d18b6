"""catalog-svc's tables (schema `catalog`): the apps, and what their bridges last reported."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import BigInteger, Column, DateTime, Float, Index, Integer, MetaData, String, Table, Text, select
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR, insert
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.events import BridgeHeartbeat, RowQuarantined

from .domain import App, BridgeState

# its Alembic revisions: ./migrations (README: "Schema migrations")
metadata = MetaData(schema="catalog", info={"migrations": Path(__file__).with_name("migrations")})

apps = Table(
    "apps",
    metadata,
    Column("app_id", String(64), primary_key=True),
    Column("name", String, nullable=False),
    Column("opd", String, nullable=False),
    Column("audience", String(16), nullable=False),
    Column("channel", String, nullable=False),
    Column("status", String(16), nullable=False),
    Column("folds_into", String(64), nullable=True),
    Column("description", Text, nullable=False),
    Column("bridge", String, nullable=True),
    Column("heartbeat_seconds", Float, nullable=True),
    # the census's classification (README "catalog-svc: the census"); null for apps not yet classified
    Column("kind", String(32), nullable=True),
    Column("field", String, nullable=True),
    Column("lifecycle", String(16), nullable=False, server_default="aktif"),
    Column("url", Text, nullable=True),
    Column("super_app", String(16), nullable=True),
    Column("cluster", String, nullable=True),
    Index("ix_apps_opd", "opd"),
)

# One row per app id a bridge spoke for, known to the catalog or not (nothing heard is dropped).
bridges = Table(
    "bridges",
    metadata,
    Column("app_id", String, primary_key=True),
    Column("bridge", String, nullable=True),
    Column("last_heartbeat_at", DateTime(timezone=True), nullable=True),
    Column("last_change_seen", DateTime(timezone=True), nullable=True),
    Column("lag_seconds", Float, nullable=True),
    Column("rows_translated", BigInteger, nullable=False, server_default="0"),
    Column("rows_quarantined", BigInteger, nullable=False, server_default="0"),
    Column("quarantined", BigInteger, nullable=False, server_default="0"),
    Column("last_quarantine_reason", Text, nullable=True),
    Column("last_quarantine_at", DateTime(timezone=True), nullable=True),
)

APP_FIELDS = ("name", "opd", "audience", "channel", "status", "folds_into", "description", "bridge", "heartbeat_seconds",
              "kind", "field", "lifecycle", "url", "super_app", "cluster")
#: What a census import may change: never the bridge a person or the platform configured.
CENSUS_FIELDS = ("name", "opd", "audience", "channel", "status", "description", "kind", "field", "lifecycle", "url",
                 "super_app", "cluster")


async def upsert_apps(session: AsyncSession, seed: Iterable[App]) -> None:
    """Insert or refresh each app (idempotent: run at every start)."""
    rows = [{"app_id": a.app_id, **{f: getattr(a, f) for f in APP_FIELDS}} for a in seed]
    if not rows:
        return
    stmt = insert(apps)
    await session.execute(
        stmt.on_conflict_do_update(index_elements=[apps.c.app_id], set_={f: stmt.excluded[f] for f in APP_FIELDS}),
        rows,
    )


async def upsert_census(session: AsyncSession, found: list[App]) -> tuple[int, int]:
    """Insert or refresh the census's apps by their stable id; (inserted, updated)."""
    if not found:
        return 0, 0
    ids = [a.app_id for a in found]
    known = set((await session.execute(select(apps.c.app_id).where(apps.c.app_id.in_(ids)))).scalars())
    rows = [{"app_id": a.app_id, **{f: getattr(a, f) for f in APP_FIELDS}} for a in found]
    stmt = insert(apps)
    await session.execute(
        stmt.on_conflict_do_update(index_elements=[apps.c.app_id], set_={f: stmt.excluded[f] for f in CENSUS_FIELDS}),
        rows,
    )
    return len(found) - len(known), len(known)


async def record_heartbeat(session: AsyncSession, beat: BridgeHeartbeat) -> None:
    """Keep the newest heartbeat per app; an older one arriving late changes nothing."""
    values = {
        "bridge": beat.bridge, "last_heartbeat_at": beat.at, "last_change_seen": beat.last_change_seen,
        "lag_seconds": beat.lag_seconds, "rows_translated": beat.rows_translated,
        "rows_quarantined": beat.rows_quarantined,
    }
    stmt = insert(bridges).values(app_id=beat.app_id, **values)
    current = bridges.c.last_heartbeat_at
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[bridges.c.app_id],
            set_={k: stmt.excluded[k] for k in values},
            where=current.is_(None) | (current < stmt.excluded.last_heartbeat_at),
        )
    )


async def count_quarantined(session: AsyncSession, row: RowQuarantined) -> None:
    """Count one quarantined legacy row for its app and keep the latest reason."""
    stmt = insert(bridges).values(
        app_id=row.source_app, quarantined=1, last_quarantine_reason=row.reason, last_quarantine_at=row.seen_at
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[bridges.c.app_id],
            set_={
                "quarantined": bridges.c.quarantined + 1,
                "last_quarantine_reason": stmt.excluded.last_quarantine_reason,
                "last_quarantine_at": stmt.excluded.last_quarantine_at,
            },
        )
    )


async def all_apps(session: AsyncSession) -> list[tuple[App, BridgeState | None]]:
    """Every app with its bridge state (the catalog is small: filters run in the domain)."""
    rows = (await session.execute(_apps_with_bridges())).all()
    return [_pair(r) for r in rows]


async def one_app(session: AsyncSession, app_id: str) -> tuple[App, BridgeState | None] | None:
    row = (await session.execute(_apps_with_bridges().where(apps.c.app_id == app_id))).first()
    return _pair(row) if row is not None else None


def _apps_with_bridges():
    bridge_cols = [c.label(f"b_{c.name}") for c in bridges.c]
    return select(apps, *bridge_cols).outerjoin(bridges, bridges.c.app_id == apps.c.app_id)


def _pair(row) -> tuple[App, BridgeState | None]:
    m = row._mapping
    app = App(app_id=m["app_id"], **{f: m[f] for f in APP_FIELDS})
    if m["b_app_id"] is None:
        return app, None
    state = BridgeState(**{c.name: m[f"b_{c.name}"] for c in bridges.c})
    return app, state


# The citizens' directory (README "catalog-svc: the directory"); queries in directory_store.py.
# `doc` is the weighted text-search vector (name A, keywords B, the rest C) in the `catalog.cari` configuration
# (indonesian stemming after unaccent); `head` the name and keywords alone, searched first (a word found there
# ranks above one found only in a description, and a common word like "KTP" in thousands of requirement lists
# then costs no ranking of them all); `name_key` the name's folded words, for exact-name hits.
services = Table(
    "services",
    metadata,
    Column("service_id", String(64), primary_key=True),
    Column("name", String, nullable=False),
    Column("app_id", String(64), nullable=False),
    Column("app_name", String, nullable=False),
    Column("opd", String(64), nullable=False),
    Column("field", String(64), nullable=False),
    Column("audience", String(16), nullable=False),
    Column("requirements", JSONB, nullable=False),
    Column("fee", BigInteger, nullable=True),
    Column("days", Integer, nullable=False),
    Column("url", Text, nullable=True),
    Column("keywords", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("name_key", String, nullable=False),
    Column("doc", TSVECTOR, nullable=True),
    Column("head", TSVECTOR, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # fastupdate off: a bulk import's rows would otherwise wait in the GIN pending list, read linearly by every
    # search until a vacuum (measured: 27 ms instead of 0.1 ms per search after importing 10,000 services)
    Index("ix_services_doc", "doc", postgresql_using="gin", postgresql_with={"fastupdate": "off"}),
    Index("ix_services_head", "head", postgresql_using="gin", postgresql_with={"fastupdate": "off"}),
    Index("ix_services_opd", "opd"),
    Index("ix_services_field", "field"),
)

synonym_groups = Table(
    "synonym_groups",
    metadata,
    Column("group_id", String(64), primary_key=True),
    Column("terms", JSONB, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Words of the services' names, keywords and descriptions (and synonyms): what a typo is corrected to; its trigram
# index is small, unlike one over every service's text.
directory_words = Table(
    "directory_words",
    metadata,
    Column("word", String(40), primary_key=True),
    Index("ix_directory_words_trgm", "word", postgresql_using="gin", postgresql_ops={"word": "gin_trgm_ops"},
          postgresql_with={"fastupdate": "off"}),
)

# the registry's own tables (history, traffic, watch, cameras) join this metadata: import them with it
from . import registry_store as _registry_store  # noqa: E402,F401
