"""reporters keep the phone hash a legacy case is claimed by

Revision complaint_0007, written 2026-12-07: "Kasus saya" offers a phone account the legacy cases whose reporter's
number hashes to it (ComplaintSubmitted.reporter_phone_hash).
"""

import sqlalchemy as sa
from alembic import op

revision = 'complaint_0007'
down_revision = 'complaint_0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('reporters', sa.Column('phone_hash', sa.String(length=32), nullable=True), schema='complaint')
    op.create_index('ix_reporters_phone_hash', 'reporters', ['phone_hash'], unique=False, schema='complaint')


def downgrade() -> None:
    op.drop_index('ix_reporters_phone_hash', table_name='reporters', schema='complaint')
    op.drop_column('reporters', 'phone_hash', schema='complaint')
