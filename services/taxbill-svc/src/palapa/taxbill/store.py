"""taxbill-svc's table (schema `taxbill`): one row per bill (NOP, year). No taxpayer name or address: none arrives."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from .domain import TaxBill
from .tables import COLUMNS, registrations, tax_bills


def bill_of(r) -> TaxBill:
    return TaxBill(r.nop, r.year, r.amount_due, r.due_date, r.paid, r.paid_at, r.updated_at)


async def get_many(session: AsyncSession, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], TaxBill]:
    keys = list(set(keys))
    if not keys:
        return {}
    t = tax_bills
    rows = await session.execute(select(t).where(tuple_(t.c.nop, t.c.year).in_(keys)).with_for_update())
    return {(r.nop, r.year): bill_of(r) for r in rows}


async def save_many(session: AsyncSession, bills: Iterable[TaxBill]) -> None:
    rows = [{"nop": b.nop, "year": b.year, **{c: getattr(b, c) for c in COLUMNS}} for b in bills]
    if rows:
        stmt = insert(tax_bills)
        await session.execute(stmt.on_conflict_do_update(index_elements=["nop", "year"],
                                                         set_={c: stmt.excluded[c] for c in COLUMNS}), rows)


async def find(session: AsyncSession, nop: str, year: int | None) -> TaxBill | None:
    """The bill of `nop` for `year`, or its newest year when `year` is None."""
    t = tax_bills
    stmt = select(t).where(t.c.nop == nop)
    stmt = stmt.where(t.c.year == year) if year is not None else stmt.order_by(t.c.year.desc()).limit(1)
    row = (await session.execute(stmt)).first()
    return None if row is None else bill_of(row)


async def next_views(session: AsyncSession, nops: Iterable[str]) -> list[tuple[str, str, int]]:
    """(ticket, nop, revision) of every follow of `nops` with a ticket, its revision bumped (the rows locked by the
    update, in ticket order)."""
    nops = sorted(set(nops))
    if not nops:
        return []
    r = registrations
    rows = await session.execute(update(r).where(r.c.nop.in_(nops), r.c.ticket.is_not(None))
                                 .values(revision=r.c.revision + 1).returning(r.c.ticket, r.c.nop, r.c.revision))
    return sorted((row.ticket, row.nop, row.revision) for row in rows)
