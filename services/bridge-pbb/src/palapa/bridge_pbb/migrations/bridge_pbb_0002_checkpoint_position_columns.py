"""checkpoints: cursor_* and drop_* columns renamed position_*

Revision bridge_pbb_0002, written 2026-12-07.
A rename, not autogenerate's drop and add: the stored positions are kept.
"""

import sqlalchemy as sa
from alembic import op

revision = 'bridge_pbb_0002'
down_revision = 'bridge_pbb_0001'
branch_labels = None
depends_on = None

SCHEMA = 'bridge_pbb'
#: (table, old name, new name)
RENAMED = [
    ('checkpoint', 'cursor_ts', 'position_ts'),
    ('checkpoint', 'cursor_id', 'position_id'),
    ('export_checkpoint', 'drop_name', 'position_name'),
    ('export_checkpoint', 'drop_size', 'position_size'),
    ('export_checkpoint', 'drop_mtime_ns', 'position_mtime_ns'),
    ('export_checkpoint', 'drop_digest', 'position_digest'),
    ('export_checkpoint', 'drop_offset', 'position_offset'),
    ('export_checkpoint', 'drop_line', 'position_line'),
    ('export_checkpoint', 'drop_done', 'position_done'),
]


def upgrade() -> None:
    found = sa.inspect(op.get_bind())
    names = {table: {c['name'] for c in found.get_columns(table, schema=SCHEMA)} for table, _, _ in RENAMED}
    for table, old, new in RENAMED:
        if old in names[table]:  # a checkpoint the bridgekit branch made (bridgekit_0001) has the new names already
            op.alter_column(table, old, new_column_name=new, schema=SCHEMA)


def downgrade() -> None:
    for table, old, new in reversed(RENAMED):
        op.alter_column(table, new, new_column_name=old, schema=SCHEMA)
