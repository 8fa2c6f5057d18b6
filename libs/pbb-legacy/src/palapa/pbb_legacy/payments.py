"""BPKPD's payments table (the legacy app's own schema: the simulator creates it, the bridge only reads it)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Identity, Integer, MetaData, String, Table
from sqlalchemy.ext.asyncio import AsyncEngine

metadata = MetaData()

pembayaran_sppt = Table(
    "pembayaran_sppt",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("nop", String(40)),  # as typed at the bank counter
    Column("thn_pajak_sppt", Integer),
    Column("jml_bayar", BigInteger),
    Column("tgl_pembayaran", DateTime(timezone=False)),  # WIB, as the bank's clock says
    Column("tgl_rekam", DateTime(timezone=False)),  # WIB, when BPKPD recorded it
)


async def create(engine: AsyncEngine) -> None:
    """The legacy installer: the table if missing."""
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
