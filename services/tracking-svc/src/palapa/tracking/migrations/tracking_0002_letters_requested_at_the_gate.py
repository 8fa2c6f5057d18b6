"""letters requested at the gate: the ticket's citizen account, and the legacy app's ticket once filed there

Revision tracking_0002, written 2026-12-07.
"""

import sqlalchemy as sa
from alembic import op

revision = 'tracking_0002'
down_revision = 'tracking_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('tickets', sa.Column('owner', sa.String(length=64), nullable=True), schema='tracking')
    op.add_column('tickets', sa.Column('legacy_ticket', sa.String(length=64), nullable=True), schema='tracking')
    op.create_index(op.f('ix_tracking_tickets_owner'), 'tickets', ['owner'], unique=False, schema='tracking')
    op.create_unique_constraint(op.f('tickets_legacy_ticket_key'), 'tickets', ['legacy_ticket'], schema='tracking')


def downgrade() -> None:
    op.drop_constraint(op.f('tickets_legacy_ticket_key'), 'tickets', schema='tracking', type_='unique')
    op.drop_index(op.f('ix_tracking_tickets_owner'), table_name='tickets', schema='tracking')
    op.drop_column('tickets', 'legacy_ticket', schema='tracking')
    op.drop_column('tickets', 'owner', schema='tracking')
