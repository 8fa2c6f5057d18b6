"""A legacy puskesmas queue database (recorded DDL) and bridge-mapped run in-process on the example mapping."""

from __future__ import annotations

import contextlib
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from palapa.bridge_mapped.main import create_app
from palapa.bridge_mapped.mapping import load_folder
from palapa.bridge_mapped.settings import BridgeMappedSettings
from palapa.kit.clock import zone
from palapa.localstack import ensure_database
from palapa.testkit import running

BRIDGES = Path(__file__).parents[4] / "deploy" / "bridges"
# The queue app's table as its installer makes it (recorded from the app's SQL script)
LEGACY_DDL = """
    CREATE TABLE antrian_pasien (
        id_antrian SERIAL PRIMARY KEY,
        kd_puskesmas VARCHAR(10) NOT NULL, no_antrian VARCHAR(10) NOT NULL, kd_poli VARCHAR(10) NULL,
        loket VARCHAR(10) NULL, nama_pasien VARCHAR(100) NULL, no_rm VARCHAR(20) NULL, nik VARCHAR(20) NULL,
        status_antrian VARCHAR(10) NOT NULL DEFAULT '0', jam_panggil VARCHAR(20) NULL,
        tgl_update TIMESTAMP(0) NOT NULL
    )"""


def wib_now() -> datetime:
    return datetime.now(zone("Asia/Jakarta")).replace(tzinfo=None, microsecond=0)


class Queue:
    """Writes antrian_pasien the way the queue app's screens do."""

    def __init__(self, engine: AsyncEngine, url: str) -> None:
        self.engine, self.url = engine, url

    async def register(self, **fields) -> int:
        values = {"kd_puskesmas": "GDG", "no_antrian": "A-001", "kd_poli": "UMUM", "nama_pasien": "Siti Aminah",
                  "no_rm": "RM-000123", "nik": "3576012345670002", "status_antrian": "0", "tgl_update": wib_now(),
                  **fields}
        cols, params = ", ".join(values), ", ".join(f":{c}" for c in values)
        async with self.engine.begin() as conn:
            return await conn.scalar(
                text(f"INSERT INTO antrian_pasien ({cols}) VALUES ({params}) RETURNING id_antrian"), values
            )

    async def call(self, id_antrian: int, loket: str = "2", **fields) -> None:
        now = wib_now()
        values = {"status_antrian": "1", "loket": loket, "jam_panggil": now.strftime("%d/%m/%Y %H:%M:%S"),
                  "tgl_update": now, **fields}
        sets = ", ".join(f"{c} = :{c}" for c in values)
        async with self.engine.begin() as conn:
            await conn.execute(
                text(f"UPDATE antrian_pasien SET {sets} WHERE id_antrian = :id"), {**values, "id": id_antrian}
            )


@pytest.fixture
async def queue(pg_server_url):
    url = await ensure_database(pg_server_url, f"pkm_{uuid.uuid4().hex[:12]}")
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text(LEGACY_DDL))
    yield Queue(engine, url)
    await engine.dispose()


@pytest.fixture
async def bridge_mapped(kafka_bootstrap, database_url, queue, identity_provider):
    """bridge-mapped on deploy/bridges, its puskesmas source the test's database; yields the running Service."""
    settings = BridgeMappedSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url,
                                    KAFKA_PROFILE="tansu", mappings_dir=BRIDGES, heartbeat_seconds=0.5,
                                    OIDC_ISSUER=identity_provider.issuer)
    mapped = load_folder(BRIDGES, {"PUSKESMAS_DATABASE_URL": queue.url})
    async with contextlib.AsyncExitStack() as stack:
        yield await stack.enter_async_context(running(create_app(settings, mapped=mapped), name="bridge-mapped"))
