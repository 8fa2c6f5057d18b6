"""the citizens' directory: services, synonym groups, the typo lexicon, text search

Revision catalog_0004, written 2026-11-26. pg_trgm and unaccent go into `public` (one per database; the
runtime's search_path finds their functions and operators there). `catalog.cari` is the `indonesian`
snowball configuration with unaccent in front of the stemmer.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = 'catalog_0004'
down_revision = 'catalog_0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public")
    unaccent_schema = op.get_bind().execute(sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'unaccent'")).scalar_one()
    op.execute("CREATE TEXT SEARCH CONFIGURATION catalog.cari (COPY = pg_catalog.indonesian)")
    op.execute(f'ALTER TEXT SEARCH CONFIGURATION catalog.cari ALTER MAPPING FOR word, hword, hword_part '
               f'WITH "{unaccent_schema}".unaccent, indonesian_stem')
    op.create_table('services',
    sa.Column('service_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('app_id', sa.String(length=64), nullable=False),
    sa.Column('app_name', sa.String(), nullable=False),
    sa.Column('opd', sa.String(length=64), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('requirements', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('fee', sa.BigInteger(), nullable=True),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('keywords', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('name_key', sa.String(), nullable=False),
    sa.Column('doc', postgresql.TSVECTOR(), nullable=True),
    sa.Column('head', postgresql.TSVECTOR(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('service_id'),
    schema='catalog'
    )
    # fastupdate off: see store.py
    op.create_index('ix_services_doc', 'services', ['doc'], unique=False, schema='catalog', postgresql_using='gin',
                    postgresql_with={'fastupdate': 'off'})
    op.create_index('ix_services_head', 'services', ['head'], unique=False, schema='catalog', postgresql_using='gin',
                    postgresql_with={'fastupdate': 'off'})
    op.create_index('ix_services_opd', 'services', ['opd'], unique=False, schema='catalog')
    op.create_index('ix_services_field', 'services', ['field'], unique=False, schema='catalog')
    op.create_table('synonym_groups',
    sa.Column('group_id', sa.String(length=64), nullable=False),
    sa.Column('terms', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('group_id'),
    schema='catalog'
    )
    op.create_table('directory_words',
    sa.Column('word', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('word'),
    schema='catalog'
    )
    op.create_index('ix_directory_words_trgm', 'directory_words', ['word'], unique=False, schema='catalog',
                    postgresql_using='gin', postgresql_ops={'word': 'gin_trgm_ops'}, postgresql_with={'fastupdate': 'off'})


def downgrade() -> None:
    op.drop_index('ix_directory_words_trgm', table_name='directory_words', schema='catalog')
    op.drop_table('directory_words', schema='catalog')
    op.drop_table('synonym_groups', schema='catalog')
    op.drop_index('ix_services_field', table_name='services', schema='catalog')
    op.drop_index('ix_services_opd', table_name='services', schema='catalog')
    op.drop_index('ix_services_head', table_name='services', schema='catalog')
    op.drop_index('ix_services_doc', table_name='services', schema='catalog')
    op.drop_table('services', schema='catalog')
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS catalog.cari")
