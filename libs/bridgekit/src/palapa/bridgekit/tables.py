"""A bridge's kit tables, in the bridge's schema: its checkpoint, the last state per source row, its quarantine.

They are the kit's own migration branch (`bridgekit`, revisions in `migrations/`), as palapa.kit's outbox is: a
bridge's revisions never declare them. What differs per bridge (the checkpoint's position columns, the type of
`source_id`, whether rows are keyed by app) is its declaration here; `bridge_tables` writes it into
`metadata.info`, where the kit's revisions read it (`shape`) and the migration runner finds the branch (`branches`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Column, DateTime, Identity, Integer, MetaData, String, Table, Text
from sqlalchemy.types import TypeEngine

#: the kit's branch of revisions (palapa.kit.migrate adds every folder in metadata.info["branches"] to a plan)
MIGRATIONS = Path(__file__).with_name("migrations")
BRANCH_TABLES = ("checkpoint", "row_state", "quarantine")


@dataclass(frozen=True)
class BridgeTables:
    checkpoint: Table
    row_state: Table
    quarantine: Table


#: the column types the kit's tables take, as its revisions spell them (more specific types first)
TYPE_NAMES: tuple[tuple[type[TypeEngine], str], ...] = ((BigInteger, "bigint"), (Integer, "integer"),
                                                       (Boolean, "boolean"), (Text, "text"))


def type_name(type_: TypeEngine) -> str:
    """A column type as the kit's revisions spell it ('timestamp', 'timestamptz', 'bigint', 'text', 'string:64', …)."""
    if isinstance(type_, DateTime):
        return "timestamptz" if type_.timezone else "timestamp"
    if isinstance(type_, String) and not isinstance(type_, Text):
        return "text" if type_.length is None else f"string:{type_.length}"
    for kind, name in TYPE_NAMES:
        if isinstance(type_, kind):
            return name
    raise ValueError(f"the bridge kit's tables take no {type_!r} column")


def shape(position_columns: Sequence[Column], source_id: TypeEngine, app_scoped: bool) -> dict[str, Any]:
    """What the kit's revisions need to make a bridge's tables: plain data, so a revision reads no model."""
    return {"position": [(c.name, type_name(c.type), bool(c.nullable)) for c in position_columns],
            "source_id": type_name(source_id), "app_scoped": app_scoped}


def bridge_tables(metadata: MetaData, position_columns: Sequence[Column],
                  source_id_type: type[TypeEngine] | TypeEngine = BigInteger, *,
                  app_scoped: bool = False) -> BridgeTables:
    """The three tables in `metadata`; the checkpoint holds the source's position in `position_columns`.

    `app_scoped`: one program bridges several apps into the same tables (bridge-mapped), so row_state is
    keyed by (app_id, source_id) and a quarantine row names its app.
    """
    source_id = source_id_type() if isinstance(source_id_type, type) else source_id_type
    metadata.info["bridgekit"] = shape(position_columns, source_id, app_scoped)
    branches, owned = metadata.info.setdefault("branches", []), metadata.info.setdefault("branch_tables", [])
    branches += [] if MIGRATIONS in branches else [MIGRATIONS]
    owned += [t for t in BRANCH_TABLES if t not in owned]
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
        Column("source_id", source_id, primary_key=True),
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
        Column("source_id", source_id, nullable=False, index=True),
        Column("reason", Text, nullable=False),
        Column("row", JSON, nullable=False),  # masked: the quarantine keeps no identity in clear
        # HMAC-SHA256 of '<app>:<source id>' under the bridge's quarantine key: finds a row again without its id
        Column("source_key", String(64), nullable=True, index=True),
        Column("legacy_updated_at", DateTime(timezone=False), nullable=False),
        Column("seen_at", DateTime(timezone=True), nullable=False),
    )
    return BridgeTables(checkpoint, row_state, quarantine)
