"""A citizen's one live stream (issue 20): every view of every case of theirs, numbered in one sequence per account.

Which cases are an account's, notify-svc learns from CaseFollowed (complaint-svc: filed while signed in, claimed by
PIN or by phone; tracking-svc: a letter requested at the gate, an incident claimed by phone; taxbill-svc: a NOP
followed, whose bill views come on palapa.citizen.bills.v1). A view stored for an owned case is appended to its
owner's feed in the same transaction; a case followed after its views arrived gets its newest view appended then,
so a case claimed while the stream is open appears on it.

Both paths take a transaction-scoped advisory lock per ticket first (sorted), so a view and the CaseFollowed of its
case, committing at once in two consumer groups, cannot each miss the other. The account's head row is then locked
(sorted by account) and bumped by as many entries as are appended: numbers commit in order per account, which is
what makes Last-Event-ID resume exact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from palapa.contracts.events import CaseFollowed
from palapa.kit.consumer import Delivery
from palapa.kit.uow import Done, Refused

from .domain import Update, feed_key, numbered
from .tables import citizen_feed, citizen_heads, ticket_owners, ticket_updates

#: the apps whose CaseFollowed is believed: they own cases and their owners (a bridge's signed key is not enough)
OWNERS_OF_CASES = frozenset({"complaint-svc", "tracking-svc", "taxbill-svc"})
_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended('notify.ticket:' || t, 0)) "
             "FROM unnest(CAST(:tickets AS text[])) AS t")


async def lock_tickets(session: AsyncSession, tickets: set[str]) -> None:
    if tickets:
        await session.execute(_LOCK, {"tickets": sorted(tickets)})


async def append(session: AsyncSession, entries: Sequence[tuple[str, Update]]) -> list[Update]:
    """Append (account, view) pairs to the accounts' feeds in the caller's transaction; returns the feed entries."""
    by_account: dict[str, list[Update]] = defaultdict(list)
    for account, view in entries:
        by_account[account].append(view)
    now, appended = datetime.now(UTC), []
    for account in sorted(by_account):  # the head rows locked in one order: no deadlock between batches
        views = by_account[account]
        head = await session.scalar(
            insert(citizen_heads).values(account=account, seq=len(views))
            .on_conflict_do_update(index_elements=["account"], set_={"seq": citizen_heads.c.seq + len(views)})
            .returning(citizen_heads.c.seq))
        fed = numbered(account, head - len(views), views)
        await session.execute(insert(citizen_feed), [
            {"account": account, "seq": e.revision, "ticket": v.ticket, "revision": v.revision, "added_at": now}
            for e, v in zip(fed, views, strict=True)])
        appended.extend(fed)
    return appended


async def owners_of(session: AsyncSession, tickets: set[str]) -> dict[str, str]:
    if not tickets:
        return {}
    rows = await session.execute(select(ticket_owners.c.ticket, ticket_owners.c.account)
                                 .where(ticket_owners.c.ticket.in_(sorted(tickets))))
    return {r.ticket: r.account for r in rows}


async def feed_views(session: AsyncSession, views: Sequence[Update]) -> list[Update]:
    """The feed entries of fresh views of owned cases (in the views' inbox transaction)."""
    await lock_tickets(session, {v.ticket for v in views})
    owners = await owners_of(session, {v.ticket for v in views})
    return await append(session, [(owners[v.ticket], v) for v in views if v.ticket in owners])


class Followers:
    """CaseFollowed: remember the case's owner and put its newest view, if any, on the owner's feed."""

    async def on_followed(self, session: AsyncSession, deliveries: Sequence[Delivery]) -> list[Done | Refused]:
        results: list[Done | Refused] = []
        follows: list[CaseFollowed] = []
        for d in deliveries:
            if d.producer is not None and d.producer not in OWNERS_OF_CASES:
                results.append(Refused(f"CaseFollowed from {d.producer!r}: only {sorted(OWNERS_OF_CASES)} "
                                       "say who follows a case"))
                continue
            follows.append(d.envelope.data)
            results.append(Done())
        await lock_tickets(session, {f.ticket for f in follows})
        owners = await owners_of(session, {f.ticket for f in follows})
        changed: dict[str, CaseFollowed] = {}
        for f in follows:  # the newest word per ticket wins; the same owner again changes nothing
            if (changed[f.ticket].account if f.ticket in changed else owners.get(f.ticket)) != f.account:
                changed[f.ticket] = f
        if not changed:
            return results
        await session.execute(
            insert(ticket_owners).values([{"ticket": f.ticket, "account": f.account, "followed_at": f.at}
                                          for f in changed.values()])
            .on_conflict_do_update(index_elements=["ticket"], set_={"account": insert(ticket_owners).excluded.account,
                                                                    "followed_at": insert(ticket_owners).excluded
                                                                    .followed_at}))
        latest = await newest_views(session, set(changed))
        fed = await append(session, [(changed[t].account, latest[t]) for t in sorted(latest)])
        pushed = False
        for i, r in enumerate(results):  # the entries are pushed once, after commit, with the first Done
            if isinstance(r, Done) and not pushed:
                results[i], pushed = Done(result=tuple(fed)), True
        return results


async def newest_views(session: AsyncSession, tickets: set[str]) -> dict[str, Update]:
    """The newest stored view of each ticket that has one."""
    t = ticket_updates
    newest = (select(t.c.ticket, func.max(t.c.revision).label("revision"))
              .where(t.c.ticket.in_(sorted(tickets))).group_by(t.c.ticket).subquery())
    rows = await session.execute(
        select(t.c.ticket, t.c.revision, t.c.payload, t.c.traceparent, t.c.event)
        .join(newest, (t.c.ticket == newest.c.ticket) & (t.c.revision == newest.c.revision)))
    return {r.ticket: Update(r.ticket, r.revision, r.payload, r.traceparent or {}, r.event) for r in rows}


async def history(sessions: async_sessionmaker, key: str, after: int = 0, before: int | None = None) -> list[Update]:
    """An account's feed entries (key '@' + account) with after < seq (< before), in order."""
    account = key[1:]
    f, t = citizen_feed, ticket_updates
    query = (select(f.c.seq, t.c.payload, t.c.traceparent, t.c.event)
             .join(t, (t.c.ticket == f.c.ticket) & (t.c.revision == f.c.revision))
             .where(f.c.account == account, f.c.seq > after))
    if before is not None:
        query = query.where(f.c.seq < before)
    async with sessions() as session:
        rows = (await session.execute(query.order_by(f.c.seq))).all()
    return [Update(feed_key(account), r.seq, r.payload, r.traceparent or {}, r.event) for r in rows]


async def head(sessions: async_sessionmaker, account: str) -> int:
    """The account's newest entry number (0: none yet)."""
    async with sessions() as session:
        return await session.scalar(select(citizen_heads.c.seq).where(citizen_heads.c.account == account)) or 0
