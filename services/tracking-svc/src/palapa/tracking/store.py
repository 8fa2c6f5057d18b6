"""tracking-svc's table (schema `tracking`): one row per ticket, its public timeline kept with it.

The timeline lives in the row (a few steps, rewritten whole): a late event lands in the middle of it, which a
table keyed by revision could not hold, and reading a ticket is one row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.events import TicketKind

from .domain import Step, Ticket
from .tables import tickets


async def get(session: AsyncSession, ticket: str) -> Ticket | None:
    """The ticket as last committed, or None."""
    return (await get_many(session, [ticket])).get(ticket)


async def get_many(session: AsyncSession, names: Sequence[str], *, for_update: bool = False) -> dict[str, Ticket]:
    """The known tickets among `names`; `for_update` locks them, in ticket order (no lock cycle between batches)."""
    if not names:
        return {}
    query = select(tickets).where(tickets.c.ticket.in_(sorted(set(names)))).order_by(tickets.c.ticket)
    rows = (await session.execute(query.with_for_update() if for_update else query)).all()
    return {r.ticket: _ticket(r) for r in rows}


async def save_many(session: AsyncSession, known: set[str], changed: Sequence[Ticket]) -> None:
    """Write each changed ticket's last state: an UPDATE for those read under lock (`known`), a plain INSERT for
    new ones, so two consumers opening one ticket at once collide on its key and the later is applied again."""
    final = {t.ticket: t for t in changed}
    new = [_row(t) for name, t in final.items() if name not in known]
    # bind names differ from column names: SQLAlchemy reserves those for its own SET parameters
    old = [{f"v_{k}": v for k, v in _row(t).items()} for name, t in final.items() if name in known]
    if new:
        await session.execute(tickets.insert(), new)
    if old:
        values = {c.name: bindparam(f"v_{c.name}") for c in tickets.columns if c.name != "ticket"}
        await session.execute(tickets.update().where(tickets.c.ticket == bindparam("v_ticket")).values(**values), old)


async def aliases(session: AsyncSession, names: Sequence[str]) -> dict[str, str]:
    """legacy ticket → the gate's ticket filed as it, for the `names` that are one."""
    if not names:
        return {}
    rows = await session.execute(select(tickets.c.legacy_ticket, tickets.c.ticket)
                                 .where(tickets.c.legacy_ticket.in_(sorted(set(names)))))
    return {r.legacy_ticket: r.ticket for r in rows}


async def delete_many(session: AsyncSession, names: Sequence[str]) -> None:
    if names:
        await session.execute(delete(tickets).where(tickets.c.ticket.in_(sorted(set(names)))))


async def owned(session: AsyncSession, owner: str, kind: TicketKind, limit: int = 100) -> list[Ticket]:
    """A citizen account's tickets of one kind (letters, incidents), newest first."""
    rows = await session.execute(select(tickets).where(tickets.c.owner == owner, tickets.c.kind == kind.value)
                                 .order_by(tickets.c.opened_at.desc(), tickets.c.ticket).limit(limit))
    return [_ticket(r) for r in rows]


async def claimable(session: AsyncSession, phone_hash: str, limit: int = 100) -> list[Ticket]:
    """The incidents recorded with this caller hash that no account owns yet, newest first."""
    rows = await session.execute(select(tickets).where(
        tickets.c.phone_hash == phone_hash, tickets.c.owner.is_(None), tickets.c.kind == TicketKind.INCIDENT.value,
    ).order_by(tickets.c.opened_at.desc(), tickets.c.ticket).limit(limit))
    return [_ticket(r) for r in rows]


async def insert(session: AsyncSession, ticket: Ticket) -> None:
    await session.execute(tickets.insert().values(**_row(ticket)))


def _row(t: Ticket) -> dict:
    return {
        "ticket": t.ticket, "kind": t.kind.value, "source_app": t.source_app, "title": t.title, "place": t.place,
        "status": t.status, "status_label": t.status_label, "revision": t.revision, "opened_at": t.opened_at,
        "updated_at": t.updated_at, "opened": t.opened, "owner": t.owner, "legacy_ticket": t.legacy_ticket,
        "phone_hash": t.phone_hash,
        "timeline": [{"status": s.status, "label": s.label, "at": s.at.isoformat(),
                      **({"note": s.note} if s.note else {})} for s in t.timeline],
    }


def _ticket(row) -> Ticket:
    return Ticket(
        ticket=row.ticket, kind=TicketKind(row.kind), source_app=row.source_app, title=row.title, place=row.place,
        status=row.status, status_label=row.status_label, revision=row.revision, opened_at=row.opened_at,
        updated_at=row.updated_at, opened=row.opened, owner=row.owner, legacy_ticket=row.legacy_ticket,
        phone_hash=row.phone_hash,
        timeline=tuple(Step(s["status"], s["label"], datetime.fromisoformat(s["at"]), s.get("note"))
                       for s in row.timeline),
    )
