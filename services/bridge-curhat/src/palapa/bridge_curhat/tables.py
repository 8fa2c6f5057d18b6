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
