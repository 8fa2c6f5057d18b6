"""citizens follow their cases on one stream

Revision notify_0005, written 2026-12-07.
"""

import sqlalchemy as sa
from alembic import op

revision = 'notify_0005'
down_revision = 'notify_0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ticket_owners',
    sa.Column('ticket', sa.String(length=64), nullable=False),
    sa.Column('account', sa.String(length=128), nullable=False),
    sa.Column('followed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('ticket'),
    schema='notify'
    )
    op.create_index(op.f('ix_notify_ticket_owners_account'), 'ticket_owners', ['account'], unique=False,
                    schema='notify')
    op.create_table('citizen_heads',
    sa.Column('account', sa.String(length=128), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('account'),
    schema='notify'
    )
    op.create_table('citizen_feed',
    sa.Column('account', sa.String(length=128), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('ticket', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('account', 'seq'),
    schema='notify'
    )


def downgrade() -> None:
    op.drop_table('citizen_feed', schema='notify')
    op.drop_table('citizen_heads', schema='notify')
    op.drop_index(op.f('ix_notify_ticket_owners_account'), table_name='ticket_owners', schema='notify')
    op.drop_table('ticket_owners', schema='notify')
