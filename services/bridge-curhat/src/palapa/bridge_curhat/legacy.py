"""Read tb_pengaduan as the legacy app left it: an incremental query by (tgl_update, id_pengaduan).

The bridge never writes here and never creates the table (the legacy app owns it). Works on the
app's MySQL/MariaDB and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, and_, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from palapa.bridgekit.sqlpoll import TimestampPosition, Window
from palapa.kit.db import make_engine

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


@dataclass(frozen=True)
class ReadRow(LegacyRow):
    """A row as read, with the legacy database's own digest of it: a window re-read compares digests, not rows."""

    digest: str = ""

    def as_strings(self) -> dict[str, str | None]:
        values = super().as_strings()
        values.pop("digest", None)
        return values


# md5 and concat_ws exist in MySQL/MariaDB and PostgreSQL alike; NULL is spelled out so it differs from ''
DIGEST = func.md5(func.concat_ws("|", *[func.coalesce(cast(c, String), "\x01") for c in tb_pengaduan.columns]))


def _row(r) -> ReadRow:
    return ReadRow(
        id_pengaduan=int(r.id_pengaduan), nik=r.nik, nama_pelapor=r.nama_pelapor, no_hp=r.no_hp,
        isi_laporan=r.isi_laporan, kategori=r.kategori, lokasi=r.lokasi, status=r.status,
        tgl_lapor=r.tgl_lapor, tgl_update=r.tgl_update.replace(tzinfo=None), digest=r.digest,
    )


class LegacyReader:
    """Incremental reads of tb_pengaduan."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def read_after(self, position: TimestampPosition, limit: int) -> list[LegacyRow]:
        """Rows strictly after `position` in (tgl_update, id_pengaduan) order, at most `limit`."""
        t = tb_pengaduan
        stmt = select(t, DIGEST.label("digest")).order_by(t.c.tgl_update, t.c.id_pengaduan).limit(limit)
        if position.ts is not None:
            stmt = stmt.where(
                or_(t.c.tgl_update > position.ts, and_(t.c.tgl_update == position.ts, t.c.id_pengaduan > position.id))
            )
        async with self.engine.connect() as conn:
            return [_row(r) for r in (await conn.execute(stmt)).all()]

    async def oldest_unread(self, last: TimestampPosition) -> datetime | None:
        """tgl_update of the first change beyond `last` (the bridge's position), None when caught up."""
        rows = await self.read_after(last, 1)
        return rows[0].tgl_update if rows else None

    async def window(self, last: TimestampPosition, window: Window) -> list[tuple[int, str]]:
        """(id, digest) of every row of `window` up to `last` (the bridge's position): cheap to re-read."""
        if last.ts is None:
            return []
        t = tb_pengaduan
        inside = and_(t.c.tgl_update >= window.since, t.c.tgl_update <= last.ts)
        if window.strays_before is not None:
            inside = or_(inside, t.c.tgl_update < window.strays_before)
        stmt = select(t.c.tgl_update, t.c.id_pengaduan, DIGEST).where(inside).order_by(t.c.tgl_update, t.c.id_pengaduan)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [(int(i), digest) for ts, i, digest in rows if (ts.replace(tzinfo=None), int(i)) <= last.key]

    async def read_ids(self, ids: list[int], chunk: int = 1000) -> list[LegacyRow]:
        """The rows with these ids, in (tgl_update, id_pengaduan) order."""
        t = tb_pengaduan
        out: list[LegacyRow] = []
        async with self.engine.connect() as conn:
            for n in range(0, len(ids), chunk):
                stmt = select(t, DIGEST.label("digest")).where(t.c.id_pengaduan.in_(ids[n : n + chunk]))
                rows = (await conn.execute(stmt)).all()
                out.extend(_row(r) for r in rows)
        return sorted(out, key=lambda r: r.key)

    async def sweep_page(self, after: int | None, limit: int) -> list[LegacyRow]:
        """The digest sweep's page: at most `limit` rows with id > `after`, in id order."""
        t = tb_pengaduan
        stmt = select(t, DIGEST.label("digest")).order_by(t.c.id_pengaduan).limit(limit)
        if after is not None:
            stmt = stmt.where(t.c.id_pengaduan > after)
        async with self.engine.connect() as conn:
            return [_row(r) for r in (await conn.execute(stmt)).all()]

    async def scan(
        self, last: TimestampPosition, window: Window | None, batch_size: int, *,
        handled: Mapping[int, tuple[datetime, str]] | None = None,
    ) -> list[LegacyRow]:
        """One poll's rows: those of `window` behind `last` (the bridge's position) whose digest differs from the
        one `handled` holds for that id (id -> (tgl_update, digest)) (a late commit, or any row when nothing is
        known), then at most one page beyond. No window: the poller re-checks it only now and then."""
        rows: list[LegacyRow] = []
        if window is not None:
            handled = handled or {}
            missing = [i for i, digest in await self.window(last, window)
                       if handled.get(i, (None, None))[1] != digest]
            if missing:
                rows.extend(await self.read_ids(missing))
        rows.extend(await self.read_after(last, batch_size))
        return rows


async def find_marked(engine: AsyncEngine, mark: str, since: datetime) -> int | None:
    """The row already written for a portal ticket (its mark ends isi_laporan), looked for among rows changed
    since `since` (tgl_update is indexed for the poll; isi_laporan is not)."""
    query = (select(tb_pengaduan.c.id_pengaduan)
             .where(tb_pengaduan.c.tgl_update >= since, tb_pengaduan.c.isi_laporan.like(f"%{mark}"))
             .order_by(tb_pengaduan.c.id_pengaduan).limit(1))
    async with engine.connect() as conn:
        return await conn.scalar(query)


async def insert_row(engine: AsyncEngine, values: Mapping[str, object]) -> int:
    """Insert one tb_pengaduan row as the PHP app's form handler does; returns its id."""
    async with engine.begin() as conn:
        result = await conn.execute(tb_pengaduan.insert().values(**values))
    return int(result.inserted_primary_key[0])


async def read_row(engine: AsyncEngine, id_pengaduan: int) -> LegacyRow | None:
    """One row as it is now (with its digest), or None when it is gone."""
    async with engine.connect() as conn:
        found = (await conn.execute(select(tb_pengaduan, DIGEST.label("digest"))
                                    .where(tb_pengaduan.c.id_pengaduan == id_pengaduan))).first()
    return None if found is None else _row(found)


async def set_status(engine: AsyncEngine, id_pengaduan: int, expected: str, code: str,
                     now_local: datetime) -> LegacyRow | None:
    """Write `code` as the PHP app's status screen does (status and tgl_update), only while the row still holds
    `expected`; the row as written, or None when the app moved it in between (compare-and-set: no lost move)."""
    t = tb_pengaduan
    async with engine.begin() as conn:
        result = await conn.execute(t.update().where(t.c.id_pengaduan == id_pengaduan, t.c.status == expected)
                                    .values(status=code, tgl_update=now_local))
        if result.rowcount != 1:
            return None
        # read in the writing transaction: exactly the version written, whatever the app does next
        written = (await conn.execute(select(t, DIGEST.label("digest")).where(t.c.id_pengaduan == id_pengaduan))).one()
    return _row(written)
