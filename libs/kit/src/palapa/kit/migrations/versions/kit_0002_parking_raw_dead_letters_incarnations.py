"""Outbox parking, dead letters as raw bytes with their original size, broker incarnations (760a7e0).

Revision ID: kit_0002
Revises: kit_0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "kit_0002"
down_revision = "kit_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # text → bytea keeps the content: the text as UTF-8 bytes (what the consumer had decoded it from)
    op.alter_column("dead_letters", "key", type_=sa.LargeBinary(), postgresql_using="convert_to(key, 'UTF8')")
    op.alter_column("dead_letters", "value", type_=sa.LargeBinary(), postgresql_using="convert_to(value, 'UTF8')")
    op.add_column("dead_letters", sa.Column("value_size", sa.BigInteger(), nullable=False, server_default="0"))
    op.add_column("dead_letters", sa.Column("truncated", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE dead_letters SET value_size = octet_length(value)")
    op.add_column("outbox", sa.Column("parked_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("outbox", sa.Column("park_reason", sa.Text(), nullable=True))
    op.create_index("ix_outbox_published_at", "outbox", ["published_at"])
    # create_all at 760a7e0 may have added this table to a schema whose older tables it left as they were
    found = "SELECT to_regclass(quote_ident(current_schema()) || '.broker_incarnations')"
    if op.get_bind().scalar(sa.text(found)) is None:
        op.create_table(
            "broker_incarnations",
            sa.Column("topic", sa.String(200), primary_key=True),
            sa.Column("incarnation", sa.String(200), nullable=False),
            sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        )


def downgrade() -> None:
    op.drop_table("broker_incarnations")
    op.drop_index("ix_outbox_published_at", table_name="outbox")
    op.drop_column("outbox", "park_reason")
    op.drop_column("outbox", "parked_at")
    op.drop_column("dead_letters", "truncated")
    op.drop_column("dead_letters", "value_size")
    # fails on a value that is not UTF-8 (a raw record the text columns could not have held)
    op.alter_column("dead_letters", "value", type_=sa.Text(), postgresql_using="convert_from(value, 'UTF8')")
    op.alter_column("dead_letters", "key", type_=sa.Text(), postgresql_using="convert_from(key, 'UTF8')")
