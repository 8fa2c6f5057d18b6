"""The simulator writes into a real legacy database like the PHP app does."""

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from palapa.curhat_legacy import create, tb_pengaduan
from palapa.sim_curhat.generate import ComplaintGenerator, stage_of
from palapa.sim_curhat.main import run
from palapa.sim_curhat.settings import SimSettings
from palapa.sim_curhat.simulate import Simulator
from palapa.testkit import eventually

pytestmark = pytest.mark.integration


async def test_the_simulator_inserts_complaints_and_moves_open_ones_along(database_url):
    engine = create_async_engine(database_url)
    await create(engine)
    sim = Simulator(engine, ComplaintGenerator(42, 0.0), complaints_per_minute=1200, updates_per_minute=1200)
    stop = asyncio.Event()
    task = asyncio.create_task(sim.run(stop))
    try:
        await eventually(lambda: sim.inserted >= 10 and sim.updated >= 10, what="inserts and status moves")
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
    async with engine.connect() as conn:
        count = await conn.scalar(select(func.count()).select_from(tb_pengaduan))
        statuses = (await conn.execute(select(tb_pengaduan.c.status))).scalars().all()
    await engine.dispose()
    assert count == sim.inserted
    assert any(stage_of(s) != 0 for s in statuses)


async def test_the_program_creates_the_table_and_stops_cleanly_when_asked(database_url):
    settings = SimSettings(legacy_database_url=database_url, complaints_per_minute=600, updates_per_minute=0, seed=1)
    stop = asyncio.Event()
    task = asyncio.create_task(run(settings, stop))
    engine = create_async_engine(database_url)

    async def rows():
        try:
            async with engine.connect() as conn:
                return await conn.scalar(select(func.count()).select_from(tb_pengaduan))
        except Exception:
            return 0

    try:
        await eventually(rows, what="the program's first complaint")
    finally:
        stop.set()
        sim = await asyncio.wait_for(task, 5)
        await engine.dispose()
    assert sim.inserted >= 1 and sim.updated == 0
