"""The legacy Curhat Ning Ita table `tb_pengaduan`, as the PHP app's installer creates it.

Defined with SQLAlchemy Core types so the same DDL runs on PostgreSQL and MySQL/MariaDB.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text
from sqlalchemy.ext.asyncio import AsyncEngine

metadata = MetaData()

tb_pengaduan = Table(
    "tb_pengaduan",
    metadata,
    Column("id_pengaduan", Integer, primary_key=True, autoincrement=True),
    Column("nik", String(32), nullable=True),
    Column("nama_pelapor", String(100), nullable=True),
    Column("no_hp", String(20), nullable=True),
    Column("isi_laporan", Text, nullable=True),
    Column("kategori", String(60), nullable=True),
    Column("lokasi", String(200), nullable=True),
    Column("status", String(20), nullable=False),
    Column("tgl_lapor", String(30), nullable=True),
    # naive local time (Asia/Jakarta), whole seconds; the app sets it on every change
    Column("tgl_update", DateTime(timezone=False), nullable=False),
    # what a DBA adds once a reader polls by (tgl_update, id_pengaduan)
    Index("ix_tb_pengaduan_tgl_update", "tgl_update", "id_pengaduan"),
)

COLUMNS: tuple[str, ...] = tuple(c.name for c in tb_pengaduan.columns)


async def create(engine: AsyncEngine) -> None:
    """Create tb_pengaduan if it is missing (idempotent)."""
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
