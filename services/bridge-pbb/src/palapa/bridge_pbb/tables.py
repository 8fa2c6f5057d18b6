"""Every table of bridge-pbb, in schema `bridge_pbb` (the kit adds outbox/inbox to this metadata):
- `checkpoint`, `row_state`, `quarantine`: the bridge kit's, for the payments table polled during the day
  (row_state per payment id).
- `export_checkpoint`: the file drop's position, a FilePosition (which export, how far it is ingested).
- `bill`: what the bridge last announced per bill (nop, year): the per-bill state a new export is diffed against,
  with the digest of the line it came from (a line unchanged since the last export is not even parsed).
- `export_quarantine`: refused export lines, with the file, line number and reason.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from palapa.bridgekit import filedrop, sqlpoll
from palapa.bridgekit.tables import bridge_tables

# its Alembic revisions: ./migrations (README: "Schema migrations")
metadata = MetaData(schema="bridge_pbb", info={"migrations": Path(__file__).with_name("migrations")})

bridge = bridge_tables(metadata, sqlpoll.position_columns())
checkpoint, row_state, quarantine = bridge.checkpoint, bridge.row_state, bridge.quarantine

export_checkpoint = Table(
    "export_checkpoint",
    metadata,
    Column("app_id", String(64), primary_key=True),
    *filedrop.position_columns(),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

bill = Table(
    "bill",
    metadata,
    Column("nop", String(18), nullable=False),
    Column("year", Integer, nullable=False),
    Column("amount_due", BigInteger, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("paid", Boolean, nullable=False),
    # digest of the export line last read for the bill: a line seen before as it is needs no parsing
    Column("line_hash", BigInteger, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("nop", "year"),
    Index("ix_bill_line_hash", "line_hash"),
)

export_quarantine = Table(
    "export_quarantine",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("file", String(255), nullable=False),
    Column("line", BigInteger, nullable=False),
    Column("reason", Text, nullable=False),
    Column("row", JSON, nullable=False),  # the line as read (personal columns included: it stays here)
    Column("seen_at", DateTime(timezone=True), nullable=False),
)
