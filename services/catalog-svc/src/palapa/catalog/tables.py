"""catalog-svc's tables (schema `catalog`), every one of them, on one MetaData: the registry's apps, their history
and what their bridges last reported; each app's traffic, dormancy watch and cameras; the citizens' directory.

Queries live in each capability's store module (registry/, liveness/, directory/); nothing registers a table by
being imported.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR

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
    # the census's classification (docs/catalog.md "The census import"); null for apps not yet classified
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
    # the bridge's last reconcile sweep, as its heartbeat says (NULL: no sweep yet)
    Column("legacy_mismatches", BigInteger, nullable=True),
    Column("last_sweep_at", DateTime(timezone=True), nullable=True),
)

# Every change of an entry: who, when, what (field → [before, after]), why; revision n of an app is unique, so two
# writers changing one app at once cannot both win.
app_history = Table(
    "app_history",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("app_id", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("action", String(16), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("changes", JSONB, nullable=False),
    Column("evidence", JSONB, nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("app_id", "revision", name="uq_app_history_revision"),
)

# The latest domain event seen per app id (known to the catalog or not: nothing heard is dropped).
app_activity = Table(
    "app_activity",
    metadata,
    Column("app_id", String, primary_key=True),
    Column("last_event_at", DateTime(timezone=True), nullable=True),
    Column("last_event_type", String, nullable=True),
    Column("events_seen", BigInteger, nullable=False, server_default="0"),
)

# The dormancy check's memory: since when it watches a bridged app, and the evidence when it marked it dormant.
app_watch = Table(
    "app_watch",
    metadata,
    Column("app_id", String(64), primary_key=True),
    Column("watched_since", DateTime(timezone=True), nullable=False),
    Column("marked_dormant_at", DateTime(timezone=True), nullable=True),
    Column("evidence", JSONB, nullable=True),
)

cameras = Table(
    "cameras",
    metadata,
    Column("camera_id", String(128), primary_key=True),
    Column("app_id", String, nullable=False),
    Column("location_name", String, nullable=True),
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    Column("online", Boolean, nullable=True),  # None: registered, no status reported yet
    Column("since", DateTime(timezone=True), nullable=True),  # when it went online / offline
    Column("changed_at", DateTime(timezone=True), nullable=False),  # the newest event applied (older ones are late)
    Index("ix_cameras_app", "app_id"),
)

# The citizens' directory (docs/catalog.md "The directory"); queries in directory/store.py.
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

# Producers' public signing keys, per app (keys/): consumers verify every event with them (palapa.kit.signing)
signing_keys = Table(
    "signing_keys",
    metadata,
    Column("app_id", String(64), primary_key=True),
    Column("kid", String(100), primary_key=True),
    Column("jwk", JSONB, nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    Column("registered_by", String(200), nullable=False),
    Column("retires_at", DateTime(timezone=True), nullable=True),
    Index("ix_signing_keys_kid", "kid"),
)
