"""ops-svc's table (schema `ops`): every dead letter of the platform, as its EventDeadLettered told it, and what an
operator decided about it."""

from __future__ import annotations

from pathlib import Path

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
)

# its Alembic revisions: ./migrations (README: "Schema migrations")
metadata = MetaData(schema="ops", info={"migrations": Path(__file__).with_name("migrations")})

letters = Table(
    "letters",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    # one record dead-lettered once, however often its announcement arrives (redelivery, a consumer's retry)
    Column("fingerprint", String(64), nullable=False, unique=True),
    Column("consumer", String(200), nullable=False),  # the service that refused it (its consumer group's owner)
    Column("topic", String(200), nullable=False),
    Column("partition", Integer, nullable=False),
    Column("offset", BigInteger, nullable=False),
    Column("key", LargeBinary, nullable=True),
    Column("headers", JSON, nullable=False),  # as sent: the producer's ce_signature included
    Column("value", LargeBinary, nullable=False),
    Column("value_size", BigInteger, nullable=True),  # the original's size in bytes
    Column("whole", Boolean, nullable=False),  # the value kept is the original, byte for byte: it may be re-driven
    Column("reason", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),  # when it was dead-lettered
    Column("state", String(16), nullable=False),  # waiting, redriven, discarded
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decided_by", String(200), nullable=True),
    Column("why", Text, nullable=True),
    Index("ix_letters_at", "at"),
    Index("ix_letters_topic_at", "topic", "at"),
    Index("ix_letters_consumer_at", "consumer", "at"),
)

# running counts of what ops-svc's consumer handed over (reconcile.py): `announcements` (fresh EventDeadLettered
# events) and `repeats` (those naming a record already kept), counted since the table exists
tally = Table(
    "tally",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("count", BigInteger, nullable=False),
)

# what the lag sampler saw (lagsampler.py): one row per consumed partition per pass, kept `lag_keep_hours`
lag_samples = Table(
    "lag_samples",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),  # the pass's time: one time for all its rows
    Column("service", String(200), nullable=False),
    Column("group", String(200), nullable=False),
    Column("topic", String(200), nullable=False),
    Column("partition", Integer, nullable=False),
    Column("lag", BigInteger, nullable=False),
    Column("stuck", Boolean, nullable=False),
    Index("ix_lag_samples_at", "at"),
)
