"""The bridge kit's tables in a bridge's schema: checkpoint, row_state, quarantine (as they stand on 2026-12-07)

Revision ID: bridgekit_0001
Revises:
Create Date: 2026-12-07

The kit's own branch, as palapa.kit's is for the outbox: a bridge's first revision depends on this one and declares
none of them. What differs per bridge (position columns, the type of source_id, keyed by app or not) is read from
the bridge's declaration (`metadata.info["bridgekit"]`, palapa.bridgekit.tables.shape): plain names, spelled out
here, so a later change of a model never changes what this revision made.

A schema whose bridge made these tables through its own revisions before this branch existed keeps them: a table
that is there is left as it is (that bridge's later revisions bring an old one to this shape), so its rows, stored
positions and fingerprints are untouched.
"""

import sqlalchemy as sa
from alembic import context, op

revision = "bridgekit_0001"
down_revision = None
branch_labels = ("bridgekit",)
depends_on = None

TYPES = {"timestamp": sa.DateTime, "timestamptz": lambda: sa.DateTime(timezone=True), "bigint": sa.BigInteger,
         "integer": sa.Integer, "boolean": sa.Boolean, "text": sa.Text}


def type_of(name: str) -> sa.types.TypeEngine:
    if name.startswith("string:"):
        return sa.String(length=int(name.removeprefix("string:")))
    return TYPES[name]()


def upgrade() -> None:
    plan = context.config.attributes["plan"]
    schema, shape = plan.schema, plan.metadata.info["bridgekit"]
    source_id, scoped = shape["source_id"], shape["app_scoped"]

    def scope() -> list[sa.Column]:  # a column belongs to one table: one per table
        return [sa.Column("app_id", sa.String(length=64), nullable=False)] if scoped else []

    there = set(sa.inspect(op.get_bind()).get_table_names(schema=schema))
    if "checkpoint" not in there:
        op.create_table(
            "checkpoint",
            sa.Column("app_id", sa.String(length=64), nullable=False),
            *(sa.Column(name, type_of(kind), nullable=nullable) for name, kind, nullable in shape["position"]),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("app_id"),
            schema=schema,
        )
    if "row_state" not in there:
        op.create_table(
            "row_state",
            *scope(),
            sa.Column("source_id", type_of(source_id), nullable=False),
            sa.Column("status", sa.String(length=20), nullable=True),
            sa.Column("legacy_status", sa.String(length=20), nullable=True),
            sa.Column("fingerprint", sa.String(length=64), nullable=False),
            sa.Column("legacy_updated_at", sa.DateTime(), nullable=False),
            sa.Column("quarantine_reason", sa.Text(), nullable=True),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint(*(["app_id"] if scoped else []), "source_id"),
            schema=schema,
        )
    if "quarantine" not in there:
        op.create_table(
            "quarantine",
            sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
            *scope(),
            sa.Column("source_id", type_of(source_id), nullable=False),
            sa.Column("reason", sa.Text(), nullable=False),
            sa.Column("row", sa.JSON(), nullable=False),
            sa.Column("source_key", sa.String(length=64), nullable=True),
            sa.Column("legacy_updated_at", sa.DateTime(), nullable=False),
            sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            schema=schema,
        )
        # the names SQLAlchemy gives the models' indexes (ix_<schema>_<table>_<column>)
        for column in ("source_id", "source_key"):
            op.create_index(f"ix_{schema}_quarantine_{column}", "quarantine", [column], unique=False, schema=schema)


def downgrade() -> None:
    schema = context.config.attributes["plan"].schema
    for table in ("quarantine", "row_state", "checkpoint"):
        op.drop_table(table, schema=schema)
