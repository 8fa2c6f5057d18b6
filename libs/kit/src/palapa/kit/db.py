"""Async SQLAlchemy engine per service; each service owns one PostgreSQL schema."""

from __future__ import annotations

from sqlalchemy import MetaData, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine


def async_url(url: str) -> str:
    """Accept postgres:// and postgresql:// and always drive asyncpg."""
    u = make_url(url)
    if u.drivername in ("postgres", "postgresql", "postgresql+psycopg2", "postgresql+psycopg"):
        u = u.set(drivername="postgresql+asyncpg")
    return u.render_as_string(hide_password=False)


def make_engine(url: str, *, pool_size: int = 5) -> AsyncEngine:
    return create_async_engine(async_url(url), pool_size=pool_size, max_overflow=5, pool_pre_ping=True)


def sessions(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


async def create_tables(engine: AsyncEngine, metadata: MetaData) -> None:
    """Create the service's schema and tables if missing (a migration tool takes over when tables change)."""
    async with engine.begin() as conn:
        if metadata.schema:
            await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{metadata.schema}"'))
        await conn.run_sync(metadata.create_all)
