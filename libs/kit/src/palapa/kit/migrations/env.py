"""Alembic's entry for every Palapa schema: the runner (palapa.kit.migrate) hands over the connection."""

from alembic import context

from palapa.kit.migrate import run_env

run_env(context)
