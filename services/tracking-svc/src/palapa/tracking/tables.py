"""tracking-svc's table (schema `tracking`): one row per ticket, its public timeline kept with it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, MetaData, String, Table

# its Alembic revisions: ./migrations (README: "Schema migrations")
metadata = MetaData(schema="tracking", info={"migrations": Path(__file__).with_name("migrations")})

tickets = Table(
    "tickets",
    metadata,
    Column("ticket", String(64), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("source_app", String, nullable=False),
    Column("title", String, nullable=False),
    Column("place", String, nullable=True),
    Column("status", String(20), nullable=False),
    Column("status_label", String, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # False while only later events were seen (the opening event completes it)
    Column("opened", Boolean, nullable=False),
    Column("timeline", JSON, nullable=False),
    # a letter requested at the gate (letters.py): its citizen account, and Si Makel's ticket once filed there
    Column("owner", String(64), nullable=True, index=True),
    Column("legacy_ticket", String(64), nullable=True, unique=True),
    # an incident's caller as the keyed hash of a phone account (never the number): who may claim it by phone
    Column("phone_hash", String(32), nullable=True, index=True),
)
