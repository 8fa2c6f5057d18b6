"""an incident's caller as the keyed hash of a phone account, so a citizen signed in with that number may claim it

Revision tracking_0003, written 2026-12-07.
"""

import sqlalchemy as sa
from alembic import op

revision = 'tracking_0003'
down_revision = 'tracking_0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('tickets', sa.Column('phone_hash', sa.String(length=32), nullable=True), schema='tracking')
    op.create_index(op.f('ix_tracking_tickets_phone_hash'), 'tickets', ['phone_hash'], unique=False, schema='tracking')


def downgrade() -> None:
    op.drop_index(op.f('ix_tracking_tickets_phone_hash'), table_name='tickets', schema='tracking')
    op.drop_column('tickets', 'phone_hash', schema='tracking')
