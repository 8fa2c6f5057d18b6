"""The legacy writer writes tb_pengaduan the way the PHP app does."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from palapa.curhat_legacy import create, insert_complaint, set_status, tb_pengaduan, wib_now

pytestmark = pytest.mark.integration


async def test_insert_complaint_returns_the_new_id_and_set_status_stamps_wib_now(database_url):
    engine = create_async_engine(database_url)
    try:
        await create(engine)
        await create(engine)  # idempotent, like re-running the installer
        first = await insert_complaint(engine, isi_laporan="Lampu jalan mati", kategori="PJU")
        second = await insert_complaint(engine, isi_laporan="Sampah menumpuk", status="baru")
        assert second == first + 1
        before = wib_now()
        await set_status(engine, first, "2")
        async with engine.connect() as conn:
            row = (await conn.execute(select(tb_pengaduan).where(tb_pengaduan.c.id_pengaduan == first))).one()
        assert row.status == "2"
        assert row.tgl_update.tzinfo is None and row.tgl_update.microsecond == 0
        assert before - timedelta(seconds=1) <= row.tgl_update <= wib_now()
        with pytest.raises(LookupError):
            await set_status(engine, 999_999, "1")
        with pytest.raises(ValueError):
            await insert_complaint(engine, judul="bukan kolom")
    finally:
        await engine.dispose()
