"""Writing portal complaints back to the legacy app that is the OPD's system of record (Curhat Ning Ita).

When a case opened from the portal or Open311 is routed to such an OPD, complaint-svc sends RecordComplaint on the
bridge's command topic with the case's own outbox rows; the bridge writes the legacy row as the PHP app would and
answers ComplaintLinked, after which the legacy app's status changes move the case (domain.link)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.events import RecordComplaint

from ..open311.submission import SOURCE_APP
from ..tables import submissions
from .domain import Case


def wanted(case: Case, opds: tuple[str, ...]) -> bool:
    """A portal case whose OPD keeps its complaints in the legacy app ("*": every OPD)."""
    return case.source_app == SOURCE_APP and ("*" in opds or case.opd in opds)


async def contacts(session: AsyncSession, tickets: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """The reporter's name and phone as filed (none for an anonymous report: nothing was kept)."""
    rows = await session.execute(
        select(submissions.c.ticket, submissions.c.reporter_name, submissions.c.phone)
        .where(submissions.c.ticket.in_(tickets))
    )
    return {r.ticket: (r.reporter_name, r.phone) for r in rows}


def command(case: Case, contact: tuple[str | None, str | None] | None) -> RecordComplaint:
    name, phone = contact or (None, None)
    if case.confidentiality == "anonymous":
        name = phone = None
    return RecordComplaint(
        ticket=case.ticket, category=case.category, description=case.description or "(tanpa uraian)",
        kelurahan=case.kelurahan, kecamatan=case.kecamatan, reporter_name=name, reporter_phone=phone,
        submitted_at=case.submitted_at,
    )
