"""Read tb_pengaduan as the legacy app left it: an incremental query by (tgl_update, id_pengaduan).

The bridge never writes here and never creates the table (the legacy app owns it). Works on the
app's MySQL/MariaDB and on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from palapa.kit.db import make_engine

from .checkpoint import SourcePosition
from .translate import LegacyRow

# The bridge's own view of the legacy table (the columns it reads), never created from here.
tb_pengaduan = Table(
    "tb_pengaduan",
    MetaData(),
    Column("id_pengaduan", Integer, primary_key=True),
    Column("nik", String(32)),
    Column("nama_pelapor", String(100)),
    Column("no_hp", String(20)),
    Column("isi_laporan", Text),
    Column("kategori", String(60)),
    Column("lokasi", String(200)),
    Column("status", String(20)),
    Column("tgl_lapor", String(30)),
    Column("tgl_update", DateTime(timezone=False)),
)


def make_legacy_engine(url: str) -> AsyncEngine:
    """A small pool: the legacy app's database is not ours to load."""
    return make_engine(url, pool_size=2)


def _row(r) -> LegacyRow:
    return LegacyRow(
        id_pengaduan=int(r.id_pengaduan), nik=r.nik, nama_pelapor=r.nama_pelapor, no_hp=r.no_hp,
        isi_laporan=r.isi_laporan, kategori=r.kategori, lokasi=r.lokasi, status=r.status,
        tgl_lapor=r.tgl_lapor, tgl_update=r.tgl_update.replace(tzinfo=None),
    )


class LegacyReader:
    """Incremental reads of tb_pengaduan."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def read_after(self, position: SourcePosition, limit: int) -> list[LegacyRow]:
        """Rows strictly after `position` in (tgl_update, id_pengaduan) order, at most `limit`."""
        t = tb_pengaduan
        stmt = select(t).order_by(t.c.tgl_update, t.c.id_pengaduan).limit(limit)
        if position.ts is not None:
            stmt = stmt.where(
                or_(t.c.tgl_update > position.ts, and_(t.c.tgl_update == position.ts, t.c.id_pengaduan > position.id))
            )
        async with self.engine.connect() as conn:
            return [_row(r) for r in (await conn.execute(stmt)).all()]

    async def oldest_unread(self, last: SourcePosition) -> datetime | None:
        """tgl_update of the first change beyond `last` (the bridge's position), None when caught up."""
        rows = await self.read_after(last, 1)
        return rows[0].tgl_update if rows else None

    async def scan(self, last: SourcePosition, lookback_seconds: int, batch_size: int) -> list[LegacyRow]:
        """One poll's rows: the lookback window before `last` (the bridge's position), then at most one page beyond it."""
        rows: list[LegacyRow] = []
        position = last.scan_start(lookback_seconds)
        while True:
            page = await self.read_after(position, batch_size)
            rows.extend(page)
            if len(page) < batch_size or last.is_before(page[-1].key):
                return rows
            position = SourcePosition(*page[-1].key)
