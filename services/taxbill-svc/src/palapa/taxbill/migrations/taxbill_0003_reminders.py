"""reminders: one per bill and follower

Revision taxbill_0003, written 2026-12-07 (issue 19, "a tax bill due in 7 days"): the reminders decided, so a
restart or a second replica never decides one again.
"""

import sqlalchemy as sa
from alembic import op

revision = 'taxbill_0003'
down_revision = 'taxbill_0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reminders',
    sa.Column('nop', sa.String(length=18), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=200), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('nop', 'year', 'account'),
    schema='taxbill'
    )


def downgrade() -> None:
    op.drop_table('reminders', schema='taxbill')
