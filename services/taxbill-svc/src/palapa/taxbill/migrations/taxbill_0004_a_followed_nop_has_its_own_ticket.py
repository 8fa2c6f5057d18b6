"""a followed NOP has its own ticket and view revision, for its follower's live stream

Revision taxbill_0004, written 2026-12-07.
"""

import sqlalchemy as sa
from alembic import op

revision = 'taxbill_0004'
down_revision = 'taxbill_0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('registrations', sa.Column('ticket', sa.String(length=64), nullable=True), schema='taxbill')
    op.add_column('registrations', sa.Column('revision', sa.Integer(), server_default='0', nullable=False),
                  schema='taxbill')
    op.create_unique_constraint(op.f('registrations_ticket_key'), 'registrations', ['ticket'], schema='taxbill')
    op.create_index(op.f('ix_taxbill_registrations_nop'), 'registrations', ['nop'], unique=False, schema='taxbill')


def downgrade() -> None:
    op.drop_index(op.f('ix_taxbill_registrations_nop'), table_name='registrations', schema='taxbill')
    op.drop_constraint(op.f('registrations_ticket_key'), 'registrations', schema='taxbill', type_='unique')
    op.drop_column('registrations', 'revision', schema='taxbill')
    op.drop_column('registrations', 'ticket', schema='taxbill')
