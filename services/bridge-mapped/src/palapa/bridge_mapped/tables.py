"""Every table of this bridge, in schema `bridge_mapped`: the bridge kit's (checkpoint, row_state,
quarantine) and its own; the kit adds outbox/inbox to this metadata."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import MetaData, String

from palapa.bridgekit import restpoll, sqlpoll
from palapa.bridgekit.tables import bridge_tables

# its Alembic revisions: ./migrations (README: "Schema migrations")
metadata = MetaData(schema="bridge_mapped", info={"migrations": Path(__file__).with_name("migrations")})

# source ids are text: a mapped table's id is whatever integer its app uses, kept as written
# the checkpoint holds either kind of position: a TimestampPosition for a table, a TokenPosition (the API's
# cursor) for a JSON endpoint
bridge = bridge_tables(metadata, [*sqlpoll.position_columns(), *restpoll.position_columns()], String(64),
                       app_scoped=True)
checkpoint, row_state, quarantine = bridge.checkpoint, bridge.row_state, bridge.quarantine
