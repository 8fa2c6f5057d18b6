"""`./palapa migrations new <service|kit> "what changed"`: write a schema's next revision by autogenerate.

It compares the models with their migrations on a scratch database (DATABASE_URL's server if set, else an
embedded PostgreSQL) and writes the difference as a new revision. A developer's tool: upgrading schemas is
the kit's `palapa-migrate` (`./palapa migrate`, docker-compose's migrate step).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import sys
import tempfile
import uuid
from dataclasses import replace
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, MetaData
from sqlalchemy.engine import make_url

from palapa.kit.db import make_engine
from palapa.kit.migrate import (
    KIT_BASE,
    KIT_BRANCH,
    MigrateSettings,
    MigrationError,
    Plan,
    config,
    plan_for,
    schemas,
    upgrade_on,
)
from palapa.kit.tables import kit_tables
from palapa.localstack import LocalPostgres, ensure_database


async def new(name: str, message: str, server_url: str | None) -> str | None:
    """Write the revision that brings `name`'s migrations to its models; None when they already agree."""
    if name == KIT_BRANCH:
        plan = plan_for(MetaData())
    else:
        known = schemas()
        if name not in known:
            raise MigrationError(f"unknown service {name!r}: one of {', '.join([KIT_BRANCH, *known])}")
        plan = plan_for(known[name])
        # a kit table's change is the kit's revision, never one service's
        kits = {t.name for t in kit_tables(MetaData())} | set(known[name].info.get("branch_tables", ()))
        plan = replace(plan, ignored=frozenset(kits))
    if server_url:
        return await _on_scratch(server_url, plan, message)
    folder = Path(tempfile.mkdtemp(prefix="palapa-autogen-"))
    folder.chmod(0o755)  # PostgreSQL runs as an unprivileged user when we are root
    try:
        with LocalPostgres(folder / "data", durable=False) as pg:
            return await _on_scratch(pg.url(), plan, message)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def _on_scratch(server_url: str, plan: Plan, message: str) -> str | None:
    name = f"palapa_autogen_{uuid.uuid4().hex[:8]}"
    url = await ensure_database(server_url, name)
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_write, plan, message)
    finally:
        await engine.dispose()
        await _drop(server_url, name)


def _write(conn: Connection, plan: Plan, message: str) -> str | None:
    """On a database at every head: autogenerate the plan's branch's next revision (`<branch>_<NNNN>`)."""
    upgrade_on(conn, plan)
    cfg = config(plan, conn)
    script = ScriptDirectory.from_config(cfg)
    branch = plan.branch
    heads = [r for r in script.get_heads() if branch in script.get_revision(r).branch_labels]
    if heads:
        number = int(heads[0].rsplit("_", 1)[-1]) + 1
        options = {"head": f"{branch}@head"}
    else:  # a new service's first revision starts its branch, after the kit's first
        number = 1
        options = {"head": "base", "branch_label": branch, "depends_on": KIT_BASE}
    made = command.revision(cfg, message, autogenerate=True, version_path=str(plan.versions[-1]),
                            rev_id=f"{branch}_{number:04d}", **options)
    return None if cfg.attributes.get("empty") else made.path


async def _drop(server_url: str, name: str) -> None:
    import asyncpg

    u = make_url(server_url)
    conn = await asyncpg.connect(host=u.host, port=u.port or 5432, user=u.username, password=u.password,
                                 database=u.database or "postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="palapa migrations", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    write = sub.add_parser("new", help="write a new revision by autogenerate")
    write.add_argument("service", help=f"a service name, or {KIT_BRANCH!r} for the kit's tables")
    write.add_argument("message")
    args = parser.parse_args(argv)
    settings = MigrateSettings()
    logging.basicConfig(level=settings.log_level, format="%(message)s")  # Alembic's "Running upgrade …" lines
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    try:
        path = asyncio.run(new(args.service, args.message, settings.database_url))
        print(path or f"{args.service}: the models and the migrations agree; nothing written")
    except (MigrationError, CommandError) as exc:  # e.g. two heads on one branch: merge them first
        sys.exit(f"palapa migrations: {exc}")


if __name__ == "__main__":
    main()
