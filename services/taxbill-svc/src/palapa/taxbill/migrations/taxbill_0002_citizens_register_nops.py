"""citizens register NOPs

Revision taxbill_0002, written 2026-12-07: a citizen signed in at the gate follows their bills by NOP.
"""

import sqlalchemy as sa
from alembic import op

revision = 'taxbill_0002'
down_revision = 'taxbill_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('registrations',
    sa.Column('account', sa.String(length=200), nullable=False),
    sa.Column('nop', sa.String(length=18), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('account', 'nop'),
    schema='taxbill'
    )


def downgrade() -> None:
    op.drop_table('registrations', schema='taxbill')
