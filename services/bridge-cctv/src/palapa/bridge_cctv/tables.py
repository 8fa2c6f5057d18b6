"""Every table of this bridge, in schema `bridge_cctv`: the bridge kit's (checkpoint, row_state,
quarantine) and its own; the kit adds outbox/inbox to this metadata."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, DateTime, MetaData, String

from palapa.bridgekit.tables import bridge_tables

# its Alembic revisions: ./migrations (README: "Schema migrations")
metadata = MetaData(schema="bridge_cctv", info={"migrations": Path(__file__).with_name("migrations")})

# A snapshot source has no place to resume from: the position is the time of the last poll that changed
# something (the heartbeat's "last change seen"); the row states are what lets a restart emit nothing twice.
bridge = bridge_tables(metadata, [Column("polled_at", DateTime(timezone=True), nullable=True)], String(160))
checkpoint, row_state, quarantine = bridge.checkpoint, bridge.row_state, bridge.quarantine


def encode(position: datetime | None) -> dict[str, Any]:
    return {"polled_at": position}


def decode(row: Mapping[str, Any]) -> datetime | None:
    return row["polled_at"]
