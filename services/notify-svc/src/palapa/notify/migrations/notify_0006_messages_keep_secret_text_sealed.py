"""messages keep a text that holds a secret value sealed

Revision notify_0006, written 2026-12-07 (issue 19): complaint-received carries the citizen's private link (its
capability); `body` and `params` then show it masked and the text as sent rests only in `sealed`.
"""

import sqlalchemy as sa
from alembic import op

revision = 'notify_0006'
down_revision = 'notify_0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('messages', sa.Column('sealed', sa.LargeBinary(), nullable=True), schema='notify')


def downgrade() -> None:
    op.drop_column('messages', 'sealed', schema='notify')
