"""Every table of this bridge, in schema `bridge_curhat`: the bridge kit's (checkpoint, row_state,
quarantine) and its own; the kit adds outbox/inbox to this metadata."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table

from palapa.bridgekit import sqlpoll
from palapa.bridgekit.tables import bridge_tables

# its Alembic revisions: ./migrations (README: "Schema migrations")
metadata = MetaData(schema="bridge_curhat", info={"migrations": Path(__file__).with_name("migrations")})

bridge = bridge_tables(metadata, sqlpoll.position_columns())
checkpoint, row_state, quarantine = bridge.checkpoint, bridge.row_state, bridge.quarantine

# Portal complaints this bridge wrote into tb_pengaduan (writeback.py): the portal ticket and the row's id.
written_back = Table(
    "written_back",
    metadata,
    Column("ticket", String(64), primary_key=True),
    Column("legacy_id", Integer, nullable=False),
    Column("written_at", DateTime(timezone=True), nullable=False),
)

# Portal staff moves this bridge answered (moves.py), per ticket: the newest case revision handled and what came of
# it. A command for that revision or an older one changes nothing (a redelivery, or a move already overtaken).
status_moves = Table(
    "status_moves",
    metadata,
    Column("ticket", String(64), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("legacy_id", Integer, nullable=False),
    Column("outcome", String(20), nullable=False),  # written, unchanged (same code) or superseded
    Column("legacy_status", String(20), nullable=True),  # the code written, or the app's code that won
    Column("fingerprint", String(64), nullable=True),  # the row as written (row_state holds it too: no echo)
    Column("handled_at", DateTime(timezone=True), nullable=False),
)
