"""bridge-psc119's own tables in schema `bridge_psc119` (the kit adds outbox/inbox to this metadata)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import MetaData, String

from palapa.bridgekit import restpoll
from palapa.bridgekit.tables import bridge_tables

# its Alembic revisions: ./migrations (README: "Schema migrations")
metadata = MetaData(schema="bridge_psc119", info={"migrations": Path(__file__).with_name("migrations")})

# source ids are the incident's id, or '?<digest>' for an item with no readable id
tables = bridge_tables(metadata, restpoll.position_columns(), String(64))
checkpoint, row_state, quarantine = tables.checkpoint, tables.row_state, tables.quarantine
