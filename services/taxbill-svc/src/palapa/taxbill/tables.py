"""taxbill-svc's table (schema `taxbill`): one row per bill (NOP, year); no taxpayer name or address: none arrives."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Integer, MetaData, String, Table

# its Alembic revisions: ./migrations (README: "Schema migrations")
metadata = MetaData(schema="taxbill", info={"migrations": Path(__file__).with_name("migrations")})

tax_bills = Table(
    "tax_bills",
    metadata,
    Column("nop", String(18), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("amount_due", BigInteger, nullable=True),
    Column("due_date", Date, nullable=True),
    Column("paid", Boolean, nullable=False),
    Column("paid_at", DateTime(timezone=True), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
COLUMNS = ("amount_due", "due_date", "paid", "paid_at", "updated_at")

# The reminders decided (reminders.py): one per bill and follower, recorded with the event that asks notify-svc
# to send it, so a restart or a second replica never decides it again
reminders = Table(
    "reminders",
    metadata,
    Column("nop", String(18), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("account", String(200), primary_key=True),
    Column("due_date", Date, nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
)

# The NOPs a citizen signed in at the gate follows (citizen.py): the account id, never who they are
registrations = Table(
    "registrations",
    metadata,
    Column("account", String(200), primary_key=True),
    Column("nop", String(18), primary_key=True, index=True),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    # the follow's own ticket on the citizen's live stream (PBB-<nop>-<8 hex>; None for a follow made before it) and
    # the revision of the last view published for it
    Column("ticket", String(64), nullable=True, unique=True),
    Column("revision", Integer, nullable=False, server_default="0"),
)
