"""The simulator writes exports into the drop folder and payments into BPKPD's table, until stopped."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from palapa.localstack import ensure_database
from palapa.pbb_legacy import pembayaran_sppt
from palapa.sim_pbb.main import run
from palapa.sim_pbb.settings import SimPbbSettings
from palapa.testkit import eventually

pytestmark = pytest.mark.integration


async def test_the_simulator_drops_exports_and_records_payments(pg_server_url, tmp_path):
    url = await ensure_database(pg_server_url, f"pbb_{uuid.uuid4().hex[:12]}")
    settings = SimPbbSettings(legacy_database_url=url, drop_folder=tmp_path, bills=300, payments_per_minute=600,
                              export_every_seconds=0.5, seed=3)
    stop = asyncio.Event()
    task = asyncio.create_task(run(settings, stop))
    engine = create_async_engine(url)

    async def payments():
        try:
            async with engine.connect() as conn:
                return await conn.scalar(select(func.count()).select_from(pembayaran_sppt))
        except Exception:  # the table is created by the simulator as it starts
            return 0

    try:
        await eventually(lambda: len(list(tmp_path.glob("pbb_*.csv"))) >= 2, what="two exports", timeout=30)
        await eventually(payments, what="a payment")
    finally:
        stop.set()
        await task
        await engine.dispose()
    first = sorted(tmp_path.glob("pbb_*.csv"))[0].read_bytes().decode("latin-1").split("\r\n")
    assert first[0].startswith("NOP;THN_PAJAK") and len(first) >= 301
