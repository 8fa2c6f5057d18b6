"""A legacy Curhat Ning Ita database (recorded DDL) and the bridge run in-process (topics: the kit's topic_reader)."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from palapa.bridge_curhat.main import create_app
from palapa.bridge_curhat.settings import BridgeCurhatSettings
from palapa.curhat_legacy import wib_now
from palapa.localstack import ensure_database
from palapa.testkit import Service, running

# The legacy app's DDL as its installer runs it (recorded; the simulator keeps the Core version).
LEGACY_DDL = {
    "postgresql": """
        CREATE TABLE tb_pengaduan (
            id_pengaduan SERIAL PRIMARY KEY,
            nik VARCHAR(32) NULL, nama_pelapor VARCHAR(100) NULL, no_hp VARCHAR(20) NULL,
            isi_laporan TEXT NULL, kategori VARCHAR(60) NULL, lokasi VARCHAR(200) NULL,
            status VARCHAR(20) NOT NULL, tgl_lapor VARCHAR(30) NULL, tgl_update TIMESTAMP(0) NOT NULL
        )""",
    "mysql": """
        CREATE TABLE tb_pengaduan (
            id_pengaduan INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
            nik VARCHAR(32) NULL, nama_pelapor VARCHAR(100) NULL, no_hp VARCHAR(20) NULL,
            isi_laporan TEXT NULL, kategori VARCHAR(60) NULL, lokasi VARCHAR(200) NULL,
            status VARCHAR(20) NOT NULL, tgl_lapor VARCHAR(30) NULL, tgl_update DATETIME NOT NULL
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""",
}
MARIADB_SERVER = "mysql+aiomysql://root@127.0.0.1:3306/"


class Legacy:
    """Writes to tb_pengaduan the way the PHP app does."""

    def __init__(self, engine: AsyncEngine, url: str) -> None:
        self.engine = engine
        self.url = url

    async def insert(self, **fields) -> int:
        now = wib_now()
        values = {"nik": "3576 0123 4567 0002", "nama_pelapor": "Siti Aminah", "no_hp": "081234567890",
                  "isi_laporan": "Jalan berlubang di depan SDN Kranggan 2, mohon segera diperbaiki.",
                  "kategori": "jalan rusak ", "lokasi": "Kranggan", "status": "0",
                  "tgl_lapor": now.strftime("%d/%m/%Y %H:%M"), "tgl_update": now, **fields}
        cols = ", ".join(values)
        params = ", ".join(f":{c}" for c in values)
        async with self.engine.begin() as conn:
            result = await conn.execute(text(f"INSERT INTO tb_pengaduan ({cols}) VALUES ({params})"), values)
            if self.engine.dialect.name == "mysql":
                return int(result.lastrowid)
            return int(
                await conn.scalar(text("SELECT currval(pg_get_serial_sequence('tb_pengaduan', 'id_pengaduan'))"))
            )

    async def update(self, id_pengaduan: int, *, at: datetime | None = None, **fields) -> None:
        values = {**fields, "tgl_update": at or wib_now()}
        sets = ", ".join(f"{c} = :{c}" for c in values)
        async with self.engine.begin() as conn:
            await conn.execute(
                text(f"UPDATE tb_pengaduan SET {sets} WHERE id_pengaduan = :id"), {**values, "id": id_pengaduan}
            )


@pytest.fixture
async def legacy(pg_server_url):
    """A fresh legacy database on the session's PostgreSQL with tb_pengaduan created by the recorded DDL."""
    url = await ensure_database(pg_server_url, f"legacy_{uuid.uuid4().hex[:12]}")
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text(LEGACY_DDL["postgresql"]))
    yield Legacy(engine, url)
    await engine.dispose()


@pytest.fixture
async def legacy_mariadb():
    """A uniquely named database on the machine's MariaDB (dropped afterwards), tb_pengaduan created."""
    name = f"curhat_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(MARIADB_SERVER)
    try:
        async with admin.begin() as conn:
            await conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    except Exception as exc:  # noqa: BLE001 - no MariaDB here: say so rather than fail obscurely
        await admin.dispose()
        pytest.skip(f"MariaDB at 127.0.0.1:3306 is not available: {exc}")
    url = f"{MARIADB_SERVER}{name}"
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(LEGACY_DDL["mysql"]))
        yield Legacy(engine, url)
    finally:
        await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        await admin.dispose()


@dataclass
class Bridge:
    """The bridge app run in-process through its lifespan; start/stop it as often as a test needs."""

    settings: BridgeCurhatSettings
    exporter: InMemorySpanExporter = field(default_factory=InMemorySpanExporter)
    svc: Service | None = None
    _stack: contextlib.AsyncExitStack | None = None

    async def start(self):
        self._stack = contextlib.AsyncExitStack()
        app = create_app(self.settings, exporter=self.exporter)
        self.svc = await self._stack.enter_async_context(running(app, name="bridge-curhat"))
        return app

    async def stop(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None

    @property
    def app(self):
        return self.svc.app

    @property
    def runtime(self):
        return self.svc.runtime

    @property
    def poller(self):
        return self.svc.app.state.poller


@pytest.fixture
async def make_bridge(kafka_bootstrap, database_url):
    """make_bridge(legacy_url, **settings) → a started Bridge; every bridge is stopped at the end."""
    bridges: list[Bridge] = []

    async def make(legacy_url: str, **overrides) -> Bridge:
        settings = BridgeCurhatSettings(
            legacy_database_url=legacy_url, KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url,
            KAFKA_PROFILE="tansu", **overrides,
        )
        bridge = Bridge(settings)
        bridges.append(bridge)
        await bridge.start()
        return bridge

    yield make
    for bridge in bridges:
        await bridge.stop()
