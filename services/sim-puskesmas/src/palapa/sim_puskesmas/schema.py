"""The queue app's table as its installer makes it (PostgreSQL or MySQL/MariaDB)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table
from sqlalchemy.ext.asyncio import AsyncEngine

antrian_pasien = Table(
    "antrian_pasien",
    MetaData(),
    Column("id_antrian", Integer, primary_key=True, autoincrement=True),
    Column("kd_puskesmas", String(10), nullable=False),
    Column("no_antrian", String(10), nullable=False),
    Column("kd_poli", String(10)),
    Column("loket", String(10)),
    Column("nama_pasien", String(100)),
    Column("no_rm", String(20)),
    Column("nik", String(20)),
    Column("status_antrian", String(10), nullable=False),  # 0 menunggu, 1 dipanggil, 2 dilayani, 3 selesai, 9 batal
    Column("jam_panggil", String(20)),  # dd/mm/yyyy HH:MM:SS as the calling screen writes it
    Column("tgl_update", DateTime(timezone=False), nullable=False),  # local time (WIB), set at every change
)


async def create(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(antrian_pasien.metadata.create_all, checkfirst=True)
