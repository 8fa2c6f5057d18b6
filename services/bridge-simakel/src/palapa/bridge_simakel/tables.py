"""Every table of this bridge, in schema `bridge_simakel`: the bridge kit's (checkpoint, row_state,
quarantine) and its own; the kit adds outbox/inbox to this metadata."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Column, DateTime, MetaData, String, Table

from palapa.bridgekit import restpoll
from palapa.bridgekit.tables import bridge_tables

# its Alembic revisions: ./migrations (README: "Schema migrations")
metadata = MetaData(schema="bridge_simakel", info={"migrations": Path(__file__).with_name("migrations")})

# the position is restpoll's TokenPosition ('<high-water tgl_update>|<page>'); source ids are text
bridge = bridge_tables(metadata, restpoll.position_columns(), String(120))
checkpoint, row_state, quarantine = bridge.checkpoint, bridge.row_state, bridge.quarantine

# letters requested at the gate and filed in Si Makel by this bridge (letters.py): one row per portal ticket
letters_filed = Table(
    "letters_filed", metadata,
    Column("ticket", String(64), primary_key=True),
    Column("outcome", String(20), nullable=False),  # filed | duplicate (filed before under its reference) | refused
    Column("legacy_id", String(20), nullable=True),
    Column("reason", String(500), nullable=True),  # Si Makel's own reason for a refusal
    Column("handled_at", DateTime(timezone=True), nullable=False),
)
