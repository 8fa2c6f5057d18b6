"""Alembic migrations of a service's schema: the kit's branch (outbox, inbox, …) and the service's own.

Each service owns one PostgreSQL schema and keeps its version table there. The kit's revisions name no
schema: they run with the service's schema first on the search_path, so a change to a kit table is ONE
revision, applied to every service's schema at its next start. Another library's tables can be a branch the
same way (`metadata.info["branches"]`: palapa.bridgekit's checkpoint, row_state and quarantine in every bridge).
A service's own revisions (its `metadata.info["migrations"]` folder) name their schema, as autogenerate writes
them.

`palapa-migrate` (`main`, docker-compose's `migrate` step, `./palapa migrate`) upgrades every installed
service's schema; writing a new revision is a developer's tool (`./palapa migrations new`, palapa.tools).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from pydantic import SecretStr, model_validator
from pydantic_settings import SettingsConfigDict
from sqlalchemy import Connection, MetaData, func, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from .db import make_engine
from .settings import FromFiles, shared, with_password
from .tables import kit_tables

SCRIPTS = Path(__file__).with_name("migrations")
KIT_VERSIONS = SCRIPTS / "versions"
KIT_BRANCH = "kit"
KIT_BASE = "kit_0001"
VERSION_TABLE = "alembic_version"
# the first key of the two-key advisory lock space (the outbox relay uses the one-key space)
LOCK_CLASS = 0x7061_6C61  # "pala"
#: entry point group: service name → the MetaData of the schema it owns (declared in its pyproject)
GROUP = "palapa.migrations"


class MigrationError(RuntimeError):
    """The schema cannot be migrated as asked; the message says why."""


@dataclass(frozen=True)
class Plan:
    """What to migrate: one schema, its models (kit tables included) and the folders of its revisions."""

    metadata: MetaData
    versions: tuple[Path, ...]
    #: tables autogenerate leaves alone (a service's revision must not carry a kit table's change)
    ignored: frozenset[str] = frozenset()

    @property
    def schema(self) -> str | None:
        return self.metadata.schema

    @property
    def branch(self) -> str:
        """The branch label new revisions of these models go on: the schema's name, or `kit`."""
        return self.schema if len(self.versions) > 1 and self.schema else KIT_BRANCH

    def owns(self, name: str | None, type_: str, parent_names: dict) -> bool:
        """Autogenerate looks at this plan's schema only (other services' schemas are theirs)."""
        return name == self.schema if type_ == "schema" else True

    def compares(self, obj, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
        return not (type_ == "table" and name in self.ignored)


def plan_for(metadata: MetaData) -> Plan:
    """The plan of a service's metadata: the kit's revisions, those of the other kits' branches it uses
    (`metadata.info["branches"]`, e.g. palapa.bridgekit's tables), then those in `metadata.info["migrations"]`."""
    kit = {t.name for t in kit_tables(metadata)}
    own = metadata.info.get("migrations")
    if own is None:
        other = sorted(t.name for t in metadata.tables.values() if t.name not in kit)
        if other:
            raise MigrationError(
                f"schema {metadata.schema!r} has tables {other} but no migrations: set "
                "MetaData(info={'migrations': <folder of its Alembic revisions>})"
            )
        return Plan(metadata, (KIT_VERSIONS,))
    if not metadata.schema:
        raise MigrationError("a service's own migrations need its own schema: MetaData(schema=...)")
    branches = tuple(Path(b) for b in metadata.info.get("branches", ()))
    return Plan(metadata, (KIT_VERSIONS, *branches, Path(own)))


def config(plan: Plan, connection: Connection | None = None) -> Config:
    """An Alembic config for this plan; `connection` is the one env.py migrates on."""
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(str(v) for v in plan.versions))
    cfg.attributes.update(plan=plan, connection=connection)
    return cfg


async def upgrade(engine: AsyncEngine | str, metadata: MetaData, to: str = "heads") -> None:
    """Bring the metadata's schema to `to` (every head by default); replicas starting at once take turns."""
    own = isinstance(engine, str)
    eng = make_engine(engine, pool_size=1) if own else engine
    try:
        plan = plan_for(metadata)
        async with eng.connect() as conn:
            await conn.run_sync(upgrade_on, plan, to)
    finally:
        if own:
            await eng.dispose()


def upgrade_on(conn: Connection, plan: Plan, to: str = "heads") -> None:
    """Upgrade in one transaction that holds the schema's migration lock (PostgreSQL DDL is transactional)."""
    with conn.begin():
        conn.execute(select(func.pg_advisory_xact_lock(LOCK_CLASS, func.hashtext(plan.schema or ""))))
        if plan.schema and not inspect(conn).has_schema(plan.schema):  # a schema made by a DBA is used as is
            conn.execute(text(f'CREATE SCHEMA "{plan.schema}"'))
        cfg = config(plan, conn)
        adopt(conn, cfg, plan)
        if plan.schema:
            # unqualified names in kit revisions land in this schema; public stays visible for extensions
            conn.execute(text(f'SET LOCAL search_path TO "{plan.schema}", public'))
        command.upgrade(cfg, to)


def adopt(conn: Connection, cfg: Config, plan: Plan) -> None:
    """A schema made by create_all (no version table) is stamped with the revisions its tables match."""
    found = inspect(conn)
    if found.has_table(VERSION_TABLE, plan.schema) or not found.has_table("outbox", plan.schema):
        return
    stamps = [_kit_revision_of(conn, plan.schema)]
    kit = {t.name for t in kit_tables(plan.metadata)}
    if any(found.has_table(t.name, plan.schema) for t in plan.metadata.tables.values() if t.name not in kit):
        # the services' tables never changed while create_all made them: their first revision, which
        # depends on kit_0001 (so kit_0001 is implied, and Alembic refuses to be told it twice)
        stamps = [s for s in stamps if s != KIT_BASE] + [_base_of(ScriptDirectory.from_config(cfg), plan.branch)]
    command.stamp(cfg, stamps)


def _kit_revision_of(conn: Connection, schema: str | None) -> str:
    """kit_0002 if create_all made the kit tables of 760a7e0, else kit_0001 (create_all stops at 760a7e0)."""
    found = inspect(conn)
    outbox = {c["name"] for c in found.get_columns("outbox", schema)}
    dead = set()
    if found.has_table("dead_letters", schema):
        dead = {c["name"] for c in found.get_columns("dead_letters", schema)}
    current = "parked_at" in outbox and "value_size" in dead and found.has_table("broker_incarnations", schema)
    return "kit_0002" if current else "kit_0001"


def _base_of(script: ScriptDirectory, branch: str) -> str:
    bases = [r for r in script.get_bases() if branch in script.get_revision(r).branch_labels]
    if len(bases) != 1:
        raise MigrationError(f"branch {branch!r} should have one first revision, found {bases}")
    return bases[0]


def differences(conn: Connection, plan: Plan) -> list:
    """What autogenerate would write for this schema now: [] when the database matches the models."""
    return compare_metadata(MigrationContext.configure(conn, opts=_options(plan)), plan.metadata)


def run_env(context) -> None:
    """The body of env.py: migrate (or compare) on the connection the runner passed in."""
    cfg = context.config
    plan: Plan = cfg.attributes["plan"]
    context.configure(connection=cfg.attributes["connection"], process_revision_directives=_skip_empty,
                      **_options(plan))
    with context.begin_transaction():
        context.run_migrations()


def _options(plan: Plan) -> dict:
    return {
        "target_metadata": plan.metadata,
        "version_table_schema": plan.schema,
        "include_schemas": plan.schema is not None,
        "include_name": plan.owns,
        "include_object": plan.compares,
        "compare_type": True,
        "compare_server_default": True,
    }


def _skip_empty(context, revision, directives) -> None:
    """Autogenerate writes nothing when models and migrations agree (and says so)."""
    if directives and directives[0].upgrade_ops.is_empty():
        context.config.attributes["empty"] = True
        directives[:] = []


def schemas() -> dict[str, MetaData]:
    """Every installed service's schema, by service name."""
    return {ep.name: ep.load() for ep in sorted(entry_points(group=GROUP), key=lambda ep: ep.name)}


async def upgrade_all(url: str) -> None:
    """Every installed service's schema at `url` to its newest revision."""
    for name, metadata in schemas().items():
        await upgrade(url, metadata)
        print(f"{name:<16} schema {metadata.schema:<14} at its newest revision")


class MigrateSettings(FromFiles):
    """What the migrate step reads: only these, so no other platform setting can stop it (each also from NAME_FILE)."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    database_url: str | None = shared("DATABASE_URL", None)  # never a default server's: it must be named
    database_password: SecretStr | None = shared("DATABASE_PASSWORD", None)  # put into the URL when given
    log_level: str = shared("LOG_LEVEL", "INFO")

    @model_validator(mode="after")
    def _password_into_the_database_url(self):
        self.database_url = with_password(self.database_url, self.database_password)
        return self


def main(argv: list[str] | None = None) -> None:
    """`palapa-migrate [up]`: every service's schema at DATABASE_URL to its newest revision."""
    parser = argparse.ArgumentParser(
        prog="palapa-migrate", description="Bring every service's schema at DATABASE_URL to its newest revision "
        "(docker-compose's migrate step). A new revision is written with ./palapa migrations new.")
    parser.add_argument("step", nargs="?", choices=["up"], default="up", help="upgrade every schema (the default)")
    parser.parse_args(argv)
    settings = MigrateSettings()
    logging.basicConfig(level=settings.log_level, format="%(message)s")  # Alembic's "Running upgrade …" lines
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    if not settings.database_url:
        sys.exit("palapa-migrate: set DATABASE_URL (./palapa up migrates its own database as each service starts)")
    try:
        asyncio.run(upgrade_all(settings.database_url))
    except (MigrationError, CommandError) as exc:  # e.g. two heads on one branch: merge them first
        sys.exit(f"palapa-migrate: {exc}")


if __name__ == "__main__":
    main()
