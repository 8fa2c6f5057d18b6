"""BPKPD's payments table as the legacy app leaves it, read incrementally by (tgl_rekam, id).

The bridge never writes here and never creates the table (sim-pbb plays the legacy app). Payments are
appended during the day; a payment recorded with a whole-second time may commit after later ones were
read, so the kit's SqlPoller re-reads a lookback window (rows already handled are skipped by id).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, Integer, MetaData, String, Table, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from palapa.bridgekit import sweepsql
from palapa.bridgekit.sqlpoll import TimestampPosition, Window
from palapa.kit.db import make_engine

# The bridge's own view of the legacy table (the columns it reads), never created from here.
pembayaran_sppt = Table(
    "pembayaran_sppt",
    MetaData(),
    Column("id", BigInteger, primary_key=True),
    Column("nop", String(40)),  # as typed at the bank counter: with dots, dash, spaces, or 18 digits
    Column("thn_pajak_sppt", Integer),
    Column("jml_bayar", BigInteger),
    Column("tgl_pembayaran", DateTime(timezone=False)),  # local time (WIB)
    Column("tgl_rekam", DateTime(timezone=False)),  # when the row was recorded: the poll's order
)


@dataclass(frozen=True)
class Payment:
    id: int
    nop: str | None
    thn_pajak_sppt: int | None
    jml_bayar: int | None
    tgl_pembayaran: datetime | None
    tgl_rekam: datetime
    digest: str = ""

    @property
    def key(self) -> tuple[datetime, int]:
        return (self.tgl_rekam, self.id)

    def as_strings(self) -> dict[str, str | None]:
        return {"id": str(self.id), "nop": self.nop, "thn_pajak_sppt": _text(self.thn_pajak_sppt),
                "jml_bayar": _text(self.jml_bayar), "tgl_pembayaran": _text(self.tgl_pembayaran),
                "tgl_rekam": self.tgl_rekam.isoformat()}


def _text(value) -> str | None:
    return None if value is None else (value.isoformat() if isinstance(value, datetime) else str(value))


def _row(r) -> Payment:
    return Payment(int(r.id), r.nop, r.thn_pajak_sppt, r.jml_bayar,
                   r.tgl_pembayaran.replace(tzinfo=None) if r.tgl_pembayaran else None,
                   r.tgl_rekam.replace(tzinfo=None), digest=str(r.id))  # rows are appended, never edited


def make_legacy_engine(url: str) -> AsyncEngine:
    """A small pool: the legacy app's database is not ours to load."""
    return make_engine(url, pool_size=2)


class PaymentsReader:
    """The kit's sqlpoll.Reader over pembayaran_sppt."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def _read(self, stmt) -> list[Payment]:
        async with self.engine.connect() as conn:
            return [_row(r) for r in (await conn.execute(stmt)).all()]

    async def read_after(self, position: TimestampPosition, limit: int) -> list[Payment]:
        t = pembayaran_sppt
        stmt = select(t).where(t.c.tgl_rekam.is_not(None)).order_by(t.c.tgl_rekam, t.c.id).limit(limit)
        if position.ts is not None:
            stmt = stmt.where(or_(t.c.tgl_rekam > position.ts,
                                  and_(t.c.tgl_rekam == position.ts, t.c.id > position.id)))
        return await self._read(stmt)

    async def sweep_page(self, after: int | None, limit: int) -> list[Payment]:
        """The digest sweep's page: at most `limit` payments with id > `after`, in id order."""
        return [p for p, _ in await self.sweep_rows(after, limit, None)]

    async def sweep_rows(self, after: int | None, limit: int | None,
                         upto: int | None) -> list[tuple[Payment, str | None]]:
        """Payments with after < id <= upto in id order, each with the database's digest of its row (sweepsql)."""
        t = pembayaran_sppt
        digested = sweepsql.can_digest(self.engine)
        digest = [sweepsql.row_digest(t).label(sweepsql.DIGEST)] if digested else []
        stmt = (select(t, *digest).where(t.c.tgl_rekam.is_not(None), *sweepsql.id_range(t.c.id, after, upto))
                .order_by(t.c.id).limit(limit))
        async with self.engine.connect() as conn:
            return [(_row(r), sweepsql.digest_of(r, digested)) for r in (await conn.execute(stmt)).all()]

    async def sweep_digests(self, uppers: list[int]) -> dict[int, tuple[str, int]] | None:
        """The database's digest of each range of payments' ids (the sweep reads only the ranges that moved)."""
        t = pembayaran_sppt
        return await sweepsql.range_digests(self.engine, t, t.c.id, [t.c.tgl_rekam.is_not(None)], uppers)

    async def oldest_unread(self, last: TimestampPosition) -> datetime | None:
        rows = await self.read_after(last, 1)
        return rows[0].tgl_rekam if rows else None

    async def scan(self, last: TimestampPosition, window: Window | None, batch_size: int, *,
                   handled: Mapping[int, tuple[datetime, str]] | None = None) -> list[Payment]:
        """Rows of the window not handled yet (late commits, strays), then one page beyond the position."""
        rows: list[Payment] = []
        if window is not None and last.ts is not None:
            t = pembayaran_sppt
            inside = and_(t.c.tgl_rekam >= window.since, t.c.tgl_rekam <= last.ts)
            if window.strays_before is not None:
                inside = or_(inside, t.c.tgl_rekam < window.strays_before)
            stmt = select(t).where(inside).order_by(t.c.tgl_rekam, t.c.id)
            handled = handled or {}
            rows.extend(r for r in await self._read(stmt) if r.id not in handled and r.key <= last.key)
        rows.extend(await self.read_after(last, batch_size))
        return rows
