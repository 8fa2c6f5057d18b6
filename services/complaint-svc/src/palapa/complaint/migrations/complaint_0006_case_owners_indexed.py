"""case owners indexed

Revision complaint_0006, written 2026-12-07: "Kasus saya" lists a citizen's cases by their owner.
"""

from alembic import op

revision = 'complaint_0006'
down_revision = 'complaint_0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_case_keys_owner', 'case_keys', ['owner'], unique=False, schema='complaint')


def downgrade() -> None:
    op.drop_index('ix_case_keys_owner', table_name='case_keys', schema='complaint')
