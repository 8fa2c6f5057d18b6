"""Write into the legacy database the way the PHP app does: a new complaint, a status move."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from palapa.kit.clock import zone

from .schema import COLUMNS, tb_pengaduan

WIB = zone("Asia/Jakarta")


def wib_now() -> datetime:
    """Local Jakarta time, naive and in whole seconds, as PHP's date('Y-m-d H:i:s') writes it."""
    return datetime.now(WIB).replace(tzinfo=None, microsecond=0)


async def insert_complaint(engine: AsyncEngine, **fields: object) -> int:
    """Insert one tb_pengaduan row (missing status/tgl_lapor/tgl_update filled like the app); returns its id."""
    unknown = set(fields) - set(COLUMNS)
    if unknown:
        raise ValueError(f"tb_pengaduan has no column(s) {sorted(unknown)}")
    now = wib_now()
    values = {"status": "0", "tgl_lapor": now.strftime("%Y-%m-%d %H:%M:%S"), "tgl_update": now, **fields}
    async with engine.begin() as conn:
        result = await conn.execute(tb_pengaduan.insert().values(**values))
    return int(result.inserted_primary_key[0])


async def set_status(engine: AsyncEngine, id_pengaduan: int, code: str) -> None:
    """Set a complaint's status code and stamp tgl_update with WIB now, as the app's officer screen does."""
    t = tb_pengaduan
    async with engine.begin() as conn:
        result = await conn.execute(
            update(t).where(t.c.id_pengaduan == id_pengaduan).values(status=code, tgl_update=wib_now())
        )
    if result.rowcount == 0:
        raise LookupError(f"tb_pengaduan has no row {id_pengaduan}")
