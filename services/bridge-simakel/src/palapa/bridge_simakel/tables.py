"""Every table of this bridge, in schema `bridge_simakel`: the bridge kit's (checkpoint, row_state,
quarantine) and its own; the kit adds outbox/inbox to this metadata."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import MetaData, String

from palapa.bridgekit import restpoll
from palapa.bridgekit.tables import bridge_tables

# its Alembic revisions: ./migrations (README: "Schema migrations")
metadata = MetaData(schema="bridge_simakel", info={"migrations": Path(__file__).with_name("migrations")})

# the position is restpoll's TokenPosition ('<high-water tgl_update>|<page>'); source ids are text
bridge = bridge_tables(metadata, restpoll.position_columns(), String(120))
checkpoint, row_state, quarantine = bridge.checkpoint, bridge.row_state, bridge.quarantine
