"""BPKPD's side (a payments database, a drop folder) and bridge-pbb run in-process (topics: the kit's topic_reader)."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from palapa.bridge_pbb.main import create_app
from palapa.bridge_pbb.settings import BridgePbbSettings
from palapa.localstack import ensure_database
from palapa.pbb_legacy import create, pembayaran_sppt
from palapa.testkit import running

WIB = timezone(timedelta(hours=7))


class Bpkpd:
    """The legacy side: its payments table and the folder its exports are dropped in."""

    def __init__(self, engine: AsyncEngine, url: str, folder: Path) -> None:
        self.engine = engine
        self.url = url
        self.folder = folder
        self.mtime = 1_780_000_000

    async def pay(self, nop: str, year: int = 2026, amount: int | None = 1_250_000) -> None:
        now = datetime.now(WIB).replace(tzinfo=None, microsecond=0)
        async with self.engine.begin() as conn:
            await conn.execute(pembayaran_sppt.insert(), [{"nop": nop, "thn_pajak_sppt": year, "jml_bayar": amount,
                                                           "tgl_pembayaran": now, "tgl_rekam": now}])

    def drop(self, name: str, content: bytes) -> Path:
        """Write an export as BPKPD does, each later than the last, with its .done marker."""
        import os

        self.mtime += 60
        path = self.folder / name
        path.write_bytes(content)
        os.utime(path, ns=(self.mtime * 10**9, self.mtime * 10**9))
        path.with_name(name + ".done").touch()
        return path

    async def scalar(self, sql: str):
        async with self.engine.connect() as conn:
            return await conn.scalar(text(sql))


@pytest.fixture
async def bpkpd(pg_server_url, tmp_path):
    url = await ensure_database(pg_server_url, f"pbb_{uuid.uuid4().hex[:12]}")
    engine = create_async_engine(url)
    await create(engine)
    folder = tmp_path / "drop"
    folder.mkdir()
    yield Bpkpd(engine, url, folder)
    await engine.dispose()


@dataclass
class Bridge:
    settings: BridgePbbSettings
    svc: object = None
    _stack: contextlib.AsyncExitStack | None = None

    async def start(self):
        self._stack = contextlib.AsyncExitStack()
        self.svc = await self._stack.enter_async_context(running(create_app(self.settings), name="bridge-pbb"))
        return self

    async def stop(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None

    @property
    def runtime(self):
        return self.svc.runtime

    async def scalar(self, sql: str):
        async with self.runtime.sessions() as s:
            return await s.scalar(text(sql))


@pytest.fixture
async def make_bridge(kafka_bootstrap, database_url, bpkpd):
    bridges: list[Bridge] = []

    async def make(**overrides) -> Bridge:
        settings = BridgePbbSettings(
            legacy_database_url=bpkpd.url, drop_folder=bpkpd.folder, KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap,
            DATABASE_URL=database_url, KAFKA_PROFILE="tansu", drop_poll_seconds=0.05, poll_interval_seconds=0.1,
            chunk_lines=1000, **overrides,
        )
        bridge = Bridge(settings)
        bridges.append(bridge)
        return await bridge.start()

    yield make
    for bridge in bridges:
        await bridge.stop()
