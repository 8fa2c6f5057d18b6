"""letters_filed: letters requested at the gate and filed in Si Makel by the bridge (RequestLetter), one per ticket

Revision bridge_simakel_0004, written 2026-12-07.
"""

import sqlalchemy as sa
from alembic import op

revision = 'bridge_simakel_0004'
down_revision = 'bridge_simakel_0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('letters_filed',
    sa.Column('ticket', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('legacy_id', sa.String(length=20), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('ticket'),
    schema='bridge_simakel'
    )


def downgrade() -> None:
    op.drop_table('letters_filed', schema='bridge_simakel')
