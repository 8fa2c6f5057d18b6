"""Async SQLAlchemy engine per service; each service owns one PostgreSQL schema."""

from __future__ import annotations

import re

import asyncpg
from sqlalchemy import Table, TextClause, bindparam, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

# Our databases are PostgreSQL; legacy apps' are often MySQL/MariaDB. Any spelling → the async driver.
ASYNC_DRIVERS = {
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "postgresql+psycopg": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
    "mysql": "mysql+aiomysql",
    "mariadb": "mysql+aiomysql",
    "mysql+aiomysql": "mysql+aiomysql",
    "mariadb+aiomysql": "mysql+aiomysql",
    "mysql+pymysql": "mysql+aiomysql",
}


def async_url(url: str) -> str:
    """The URL with its async driver (asyncpg or aiomysql); ValueError naming the problem otherwise."""
    try:
        u = make_url(url)
    except ArgumentError as exc:
        raise ValueError(f"not a database URL: {url!r}") from exc
    driver = ASYNC_DRIVERS.get(u.drivername)
    if driver is None:
        raise ValueError(f"unsupported database {u.drivername!r}: use postgresql+asyncpg:// or mysql+aiomysql://")
    return u.set(drivername=driver).render_as_string(hide_password=False)


#: What using a database that is not there, refuses us or is misnamed raises (a command says so in one line).
UNUSABLE = (OSError, ValueError, SQLAlchemyError, asyncpg.PostgresError, asyncpg.InterfaceError)


def shown(url: str) -> str:
    """The URL to print: its password hidden, or a placeholder when it cannot be read at all."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(DATABASE_URL yang tidak terbaca)"


def make_engine(url: str, *, pool_size: int = 5) -> AsyncEngine:
    """A pooled engine for any database we or a legacy app own; connections recycled hourly because
    MySQL/MariaDB drop idle ones after wait_timeout. Statement parameters are left out of error messages:
    they carry citizens' personal data (NIK, phone) into whatever logs the error."""
    return create_async_engine(
        async_url(url), pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, pool_recycle=3600,
        hide_parameters=True,
    )


def sessions(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)



_PARAM = re.compile(r"(?<![:\w]):(\w+)")


def cached_sql(sql: str, table: Table) -> TextClause:
    """`sql` as a statement SQLAlchemy compiles once, each `:name` bound with the type of `table`'s column of that
    name (others untyped). For hot INSERT … ON CONFLICT statements: SQLAlchemy 2.0 never caches its PostgreSQL
    insert construct (`inherit_cache = False`), so it compiles one at every execution (~2 ms of CPU for a wide
    row, measured in docs/messages.md); a text statement is compiled once."""
    names = dict.fromkeys(_PARAM.findall(sql))
    return text(sql).bindparams(*(bindparam(n, type_=table.c[n].type) if n in table.c else bindparam(n)
                                  for n in names))
