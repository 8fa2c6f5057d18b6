"""quarantine: source_key, a keyed hash (HMAC) of the app and source id; the row is kept masked

Revision bridge_curhat_0004, written 2026-12-07.
The quarantine keeps no identity in clear: a row is found again by the keyed hash of its source id, and
rows quarantined before this revision have every value masked (NIK, phone, e-mail runs) in place.
"""

import sqlalchemy as sa
from alembic import op

from palapa.bridgekit.masking import mask_text

revision = 'bridge_curhat_0004'
down_revision = 'bridge_curhat_0003'
branch_labels = None
depends_on = None

SCHEMA = 'bridge_curhat'


def upgrade() -> None:
    found = {c['name'] for c in sa.inspect(op.get_bind()).get_columns('quarantine', schema=SCHEMA)}
    if 'source_key' not in found:  # a quarantine the bridgekit branch made (bridgekit_0001) has it already
        op.add_column('quarantine', sa.Column('source_key', sa.String(length=64), nullable=True), schema=SCHEMA)
        op.create_index(op.f('ix_bridge_curhat_quarantine_source_key'), 'quarantine', ['source_key'], unique=False,
                        schema=SCHEMA)
    quarantine = sa.table('quarantine', sa.column('id', sa.BigInteger), sa.column('row', sa.JSON), schema=SCHEMA)
    conn = op.get_bind()
    for ident, row in conn.execute(sa.select(quarantine.c.id, quarantine.c.row)).all():
        masked = {k: mask_text(v) if isinstance(v, str) else v for k, v in (row or {}).items()}
        conn.execute(quarantine.update().where(quarantine.c.id == ident).values(row=masked))


def downgrade() -> None:
    op.drop_index(op.f('ix_bridge_curhat_quarantine_source_key'), table_name='quarantine', schema=SCHEMA)
    op.drop_column('quarantine', 'source_key', schema=SCHEMA)
