"""The simulator creates the queue table and keeps writing to it."""

import asyncio
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from palapa.localstack import ensure_database
from palapa.sim_puskesmas.main import run
from palapa.sim_puskesmas.schema import antrian_pasien
from palapa.sim_puskesmas.settings import SimPuskesmasSettings
from palapa.testkit import eventually

pytestmark = pytest.mark.integration


async def test_the_simulator_registers_and_calls_patients(pg_server_url):
    url = await ensure_database(pg_server_url, f"pkm_{uuid.uuid4().hex[:12]}")
    stop = asyncio.Event()
    task = asyncio.create_task(
        run(SimPuskesmasSettings(PUSKESMAS_DATABASE_URL=url, patients_per_minute=1200, seed=3), stop)
    )
    engine = create_async_engine(url)

    async def called():
        try:
            async with engine.connect() as conn:
                return await conn.scalar(select(func.count()).where(antrian_pasien.c.status_antrian != "0")) >= 3
        except Exception:  # noqa: BLE001 - the table is not there yet
            return False

    try:
        await eventually(called, what="three patients called")
    finally:
        stop.set()
        assert await task >= 3
        await engine.dispose()
