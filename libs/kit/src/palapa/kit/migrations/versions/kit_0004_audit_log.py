"""audit log: staff actions, append-only

Revision kit_0004, written 2026-12-08.

The trigger makes UPDATE, DELETE and TRUNCATE fail for every role, the service's own included; only a
migration (as the table's owner) could drop it, and that is a reviewed change.
"""

import sqlalchemy as sa
from alembic import op

revision = 'kit_0004'
down_revision = 'kit_0003'
branch_labels = None
depends_on = None

# unqualified: like the table, the function lands in the service's schema (first on the search_path)
REFUSE = """
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def upgrade() -> None:
    op.create_table(
        'audit_log',
        sa.Column('id', sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column('event_id', sa.String(64), nullable=False, unique=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor', sa.String(200), nullable=False),
        sa.Column('actor_kind', sa.String(16), nullable=False),
        sa.Column('actor_roles', sa.JSON(), nullable=False),
        sa.Column('actor_opds', sa.JSON(), nullable=False),
        sa.Column('action', sa.String(100), nullable=False),
        sa.Column('object_type', sa.String(100), nullable=False),
        sa.Column('object_id', sa.String(200), nullable=False),
        sa.Column('before', sa.JSON(), nullable=True),
        sa.Column('after', sa.JSON(), nullable=True),
        sa.Column('why', sa.Text(), nullable=True),
        sa.Column('request_id', sa.String(64), nullable=True),
        sa.Column('trace_id', sa.String(32), nullable=True),
    )
    op.create_index('ix_audit_log_actor_at', 'audit_log', ['actor', 'at'])
    op.create_index('ix_audit_log_object_at', 'audit_log', ['object_type', 'object_id', 'at'])
    op.create_index('ix_audit_log_at', 'audit_log', ['at'])
    op.execute(REFUSE)
    op.execute("CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
               "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
    op.execute("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
               "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()")


def downgrade() -> None:
    op.drop_table('audit_log')  # its triggers go with it
    op.execute("DROP FUNCTION audit_log_append_only()")
