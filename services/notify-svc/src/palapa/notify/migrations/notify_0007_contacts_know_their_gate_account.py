"""contacts know their gate account

Revision notify_0007, written 2026-12-07 (issue 19, "a tax bill due in 7 days"): a phone contact keeps the keyed
hash of the gate account made from its number, so a reminder for a follower's account finds the phone. Contacts
stored before learn it the next time their number is used (store.contact_id).
"""

import sqlalchemy as sa
from alembic import op

revision = 'notify_0007'
down_revision = 'notify_0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('contacts', sa.Column('account_hash', sa.String(length=32), nullable=True), schema='notify')
    op.create_index('ix_contacts_account_hash', 'contacts', ['account_hash'], unique=False, schema='notify')


def downgrade() -> None:
    op.drop_index('ix_contacts_account_hash', table_name='contacts', schema='notify')
    op.drop_column('contacts', 'account_hash', schema='notify')
