"""The kit's tables, added to each service's own schema: outbox, inbox, dead letters, broker incarnations, audit log."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    false,
)

#: ce_id / event ids longer than this are refused (dead-lettered), never inserted.
EVENT_ID_MAX = 64


def outbox_table(metadata: MetaData) -> Table:
    if (existing := defined_table(metadata, "outbox")) is not None:
        return existing
    return Table(
        "outbox",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("event_id", String(EVENT_ID_MAX), nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("key", LargeBinary, nullable=True),
        Column("value", LargeBinary, nullable=False),
        Column("headers", JSON, nullable=False),
        Column("trace", JSON, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=True),
        # a row the broker refuses for good (too large, …) is parked with the reason, for operators;
        # later rows of the same (topic, key) wait behind it, other keys go on
        Column("parked_at", DateTime(timezone=True), nullable=True),
        Column("park_reason", Text, nullable=True),
        Index("ix_outbox_unpublished", "id", postgresql_where=Column("published_at").is_(None)),
        Index("ix_outbox_published_at", "published_at"),
        # the relay finds the parked rows that block their keys at every batch: keep that lookup tiny
        Index(
            "ix_outbox_parked", "id",
            postgresql_where=Column("parked_at").isnot(None) & Column("published_at").is_(None),
        ),
    )


def inbox_table(metadata: MetaData) -> Table:
    if (existing := defined_table(metadata, "inbox")) is not None:
        return existing
    return Table(
        "inbox",
        metadata,
        Column("event_id", String(EVENT_ID_MAX), primary_key=True),
        Column("event_type", String(200), nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False),
    )


def dead_letters_table(metadata: MetaData) -> Table:
    if (existing := defined_table(metadata, "dead_letters")) is not None:
        return existing
    return Table(
        "dead_letters",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("topic", String(200), nullable=False),
        Column("partition", Integer, nullable=False),
        Column("offset", BigInteger, nullable=False),
        # the record as received: raw bytes (cut at the kit's limit; value_size is the original size)
        Column("key", LargeBinary, nullable=True),
        Column("headers", JSON, nullable=False),
        Column("value", LargeBinary, nullable=False),
        Column("value_size", BigInteger, nullable=False, server_default="0"),
        Column("truncated", Boolean, nullable=False, server_default=false()),
        Column("reason", Text, nullable=False),
        Column("at", DateTime(timezone=True), nullable=False),
    )


def broker_incarnations_table(metadata: MetaData) -> Table:
    """Which broker (cluster id / topic ids) the outbox last published to, per topic."""
    if (existing := defined_table(metadata, "broker_incarnations")) is not None:
        return existing
    return Table(
        "broker_incarnations",
        metadata,
        Column("topic", String(200), primary_key=True),
        Column("incarnation", String(200), nullable=False),
        Column("seen_at", DateTime(timezone=True), nullable=False),
    )


def audit_log_table(metadata: MetaData) -> Table:
    """Staff actions, append-only (kit_0004 adds a trigger refusing UPDATE, DELETE and TRUNCATE)."""
    if (existing := defined_table(metadata, "audit_log")) is not None:
        return existing
    return Table(
        "audit_log",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("event_id", String(EVENT_ID_MAX), nullable=False, unique=True),  # its AuditRecorded event
        Column("at", DateTime(timezone=True), nullable=False),
        Column("actor", String(200), nullable=False),  # the token's subject
        Column("actor_kind", String(16), nullable=False),  # person or client
        Column("actor_roles", JSON, nullable=False),
        Column("actor_opds", JSON, nullable=False),
        Column("action", String(100), nullable=False),
        Column("object_type", String(100), nullable=False),
        Column("object_id", String(200), nullable=False),
        Column("before", JSON, nullable=True),  # redacted: never identity (palapa.kit.audit.redact)
        Column("after", JSON, nullable=True),
        Column("why", Text, nullable=True),
        Column("request_id", String(64), nullable=True),
        Column("trace_id", String(32), nullable=True),
        Index("ix_audit_log_actor_at", "actor", "at"),
        Index("ix_audit_log_object_at", "object_type", "object_id", "at"),
        Index("ix_audit_log_at", "at"),
    )


def kit_tables(metadata: MetaData) -> tuple[Table, ...]:
    """Add every kit table to a service's metadata (idempotent)."""
    return (outbox_table(metadata), inbox_table(metadata), dead_letters_table(metadata),
            broker_incarnations_table(metadata), audit_log_table(metadata))


def defined_table(metadata: MetaData, name: str) -> Table | None:
    return metadata.tables.get(f"{metadata.schema}.{name}" if metadata.schema else name)
