"""reporters and submissions keep the reporter only sealed

Revision complaint_0008, written 2026-12-07 (issue 19: no phone, e-mail or name in clear in any table). The
reporter's name, masked NIK, phone and e-mail move into one sealed column per table (identity.py: a JWE under
COMPLAINT_CONTACTS_KEY, bound to the ticket); the rows already there are sealed here, then the clear columns go.
Sealing existing rows needs the key: the step reads it as complaint-svc does (COMPLAINT_CONTACTS_KEY or _FILE), and
with PALAPA_ENV=production refuses the development key, so give the `migrate` step the secret (docker-compose does).
"""

import sqlalchemy as sa
from alembic import op

revision = 'complaint_0008'
down_revision = 'complaint_0007'
branch_labels = None
depends_on = None

S = 'complaint'
REPORTER_FIELDS = {'name': 'name', 'nik_masked': 'nik_masked', 'phone': 'phone', 'email': 'email'}
SUBMISSION_FIELDS = {'reporter_name': 'name', 'phone': 'phone', 'email': 'email'}


def _sealer():
    from palapa.complaint.identity import Keys
    from palapa.complaint.settings import ComplaintSettings

    return Keys.from_settings(ComplaintSettings())


def _seal_rows(table: str, column: str, fields: dict[str, str]) -> None:
    from palapa.contracts.identity import Identity

    conn = op.get_bind()
    clear = ' OR '.join(f'{f} IS NOT NULL' for f in fields)
    rows = conn.execute(sa.text(f'SELECT ticket, {", ".join(fields)} FROM {S}.{table} WHERE {clear}')).mappings().all()
    if not rows:
        return
    keys = _sealer()
    conn.execute(sa.text(f'UPDATE {S}.{table} SET {column} = :sealed WHERE ticket = :ticket'), [
        {'ticket': r['ticket'],
         'sealed': keys.seal_row(r['ticket'], Identity(**{fields[f]: r[f] for f in fields}))} for r in rows])


def upgrade() -> None:
    op.add_column('reporters', sa.Column('identity_sealed', sa.Text(), nullable=True), schema=S)
    op.add_column('submissions', sa.Column('contact_sealed', sa.Text(), nullable=True), schema=S)
    _seal_rows('reporters', 'identity_sealed', REPORTER_FIELDS)
    _seal_rows('submissions', 'contact_sealed', SUBMISSION_FIELDS)
    for field in REPORTER_FIELDS:
        op.drop_column('reporters', field, schema=S)
    for field in SUBMISSION_FIELDS:
        op.drop_column('submissions', field, schema=S)


def downgrade() -> None:
    # the clear columns come back empty: a downgrade does not unseal anyone's identity into clear text
    for field in SUBMISSION_FIELDS:
        op.add_column('submissions', sa.Column(field, sa.String(), nullable=True), schema=S)
    for field in REPORTER_FIELDS:
        op.add_column('reporters', sa.Column(field, sa.String(), nullable=True), schema=S)
    op.drop_column('submissions', 'contact_sealed', schema=S)
    op.drop_column('reporters', 'identity_sealed', schema=S)
