"""A bridge's own tables, in the bridge's schema: its checkpoint, the last state per source row, its quarantine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import JSON, BigInteger, Column, DateTime, Identity, MetaData, String, Table, Text
from sqlalchemy.types import TypeEngine


@dataclass(frozen=True)
class BridgeTables:
    checkpoint: Table
    row_state: Table
    quarantine: Table


def bridge_tables(metadata: MetaData, position_columns: Sequence[Column],
                  source_id_type: type[TypeEngine] | TypeEngine = BigInteger, *,
                  app_scoped: bool = False) -> BridgeTables:
    """The three tables in `metadata`; the checkpoint holds the source's position in `position_columns`.

    `app_scoped`: one program bridges several apps into the same tables (bridge-mapped), so row_state is
    keyed by (app_id, source_id) and a quarantine row names its app.
    """
    scope = [Column("app_id", String(64), primary_key=True)] if app_scoped else []
    checkpoint = Table(
        "checkpoint",
        metadata,
        Column("app_id", String(64), primary_key=True),
        *position_columns,  # the source's position: opaque to the kit, encoded by its kind
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )
    # the last state handled per source row: what was emitted, and the digest of the row as it was read
    row_state = Table(
        "row_state",
        metadata,
        *scope,
        Column("source_id", source_id_type, primary_key=True),
        Column("status", String(20), nullable=True),  # canonical status last emitted; NULL if never emitted
        Column("legacy_status", String(20), nullable=True),
        Column("fingerprint", String(64), nullable=False),
        Column("legacy_updated_at", DateTime(timezone=False), nullable=False),
        Column("quarantine_reason", Text, nullable=True),  # set while the row's current form is quarantined
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )
    quarantine = Table(
        "quarantine",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        *([Column("app_id", String(64), nullable=False)] if app_scoped else []),
        Column("source_id", source_id_type, nullable=False, index=True),
        Column("reason", Text, nullable=False),
        Column("row", JSON, nullable=False),  # masked: the quarantine keeps no identity in clear
        # HMAC-SHA256 of '<app>:<source id>' under the bridge's quarantine key: finds a row again without its id
        Column("source_key", String(64), nullable=True, index=True),
        Column("legacy_updated_at", DateTime(timezone=False), nullable=False),
        Column("seen_at", DateTime(timezone=True), nullable=False),
    )
    return BridgeTables(checkpoint, row_state, quarantine)
