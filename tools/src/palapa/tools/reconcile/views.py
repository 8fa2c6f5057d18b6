"""The platform's views, read with SQL from the services' schemas (tools never import a service's modules).

Each query names the columns it needs; tests/platform proves they still exist by reconciling a running platform.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

CASES = text("""
    SELECT c.ticket, c.status, c.revision, c.source_app, c.source_ref, c.linked_app, c.linked_ref
    FROM complaint.cases c WHERE c.source_app = :app OR c.linked_app = :app
""")
STEPS = text("""
    SELECT e.ticket, e.revision, e.status, e.legacy_status, e.at, e.note
    FROM complaint.case_events e JOIN complaint.cases c USING (ticket)
    WHERE c.source_app = :app OR c.linked_app = :app ORDER BY e.ticket, e.revision
""")
# notify-svc keeps every revision it received; the citizen sees the latest one
LATEST = text("""
    SELECT DISTINCT ON (ticket) ticket, revision, payload FROM notify.ticket_updates
    WHERE ticket LIKE :prefix ORDER BY ticket, revision DESC
""")
# a letter requested at the gate is the app's record once filed (legacy_ticket); before that, or refused, the app
# has no record of it and there is nothing to compare
TICKETS = text("""
    SELECT ticket, legacy_ticket, status, revision, timeline FROM tracking.tickets
    WHERE source_app = :app AND (owner IS NULL OR legacy_ticket IS NOT NULL)
""")
BILLS = text("SELECT nop, year, amount_due, due_date, paid, paid_at FROM taxbill.tax_bills")


async def complaint_cases(engine: AsyncEngine, app: str) -> list[dict]:
    """complaint-svc's cases of `app` (its own, and the portal's it holds), each with its timeline in order."""
    async with engine.connect() as conn:
        cases = [dict(r._mapping) for r in await conn.execute(CASES, {"app": app})]
        steps: dict[str, list[dict]] = defaultdict(list)
        for r in await conn.execute(STEPS, {"app": app}):
            steps[r.ticket].append(dict(r._mapping))
    for case in cases:
        case["timeline"] = steps.get(case["ticket"], [])
    return cases


async def latest_views(engine: AsyncEngine, prefix: str = "") -> dict[str, dict]:
    """notify-svc's latest revision of every ticket starting with `prefix`: its payload (the citizen's view)."""
    async with engine.connect() as conn:
        rows = await conn.execute(LATEST, {"prefix": prefix.replace("%", r"\%").replace("_", r"\_") + "%"})
        return {r.ticket: {**r.payload, "revision": r.revision} for r in rows}


async def tracked_tickets(engine: AsyncEngine, app: str) -> dict[str, dict]:
    """tracking-svc's tickets of `app` by the app's ticket (a gate letter by the SIMAKEL-n it was filed as; its own
    ticket, where notify-svc's view is, stays in `ticket`)."""
    async with engine.connect() as conn:
        return {r.legacy_ticket or r.ticket: dict(r._mapping) for r in await conn.execute(TICKETS, {"app": app})}


async def tax_bills(engine: AsyncEngine) -> dict[tuple[str, int], dict]:
    """taxbill-svc's bills by (NOP digits, year)."""
    async with engine.connect() as conn:
        return {(r.nop, r.year): dict(r._mapping) for r in await conn.execute(BILLS)}
