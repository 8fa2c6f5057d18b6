"""Writing portal complaints back to the legacy app that is the OPD's system of record (Curhat Ning Ita).

When a case opened from the portal or Open311 is routed to such an OPD, complaint-svc sends RecordComplaint on the
bridge's command topic with the case's own outbox rows; the bridge writes the legacy row as the PHP app would and
answers ComplaintLinked, after which the legacy app's status changes move the case (domain.link)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.events import RecordComplaintV2
from palapa.contracts.identity import Identity
from palapa.kit.sealed import seal_identity

from ..identity import Keys
from ..open311.submission import SOURCE_APP
from ..tables import submissions
from .domain import Case


def wanted(case: Case, opds: tuple[str, ...]) -> bool:
    """A portal case whose OPD keeps its complaints in the legacy app ("*": every OPD)."""
    return case.source_app == SOURCE_APP and ("*" in opds or case.opd in opds)


async def contacts(session: AsyncSession, tickets: list[str], keys: Keys) -> dict[str, Identity | None]:
    """The reporter's name and phone as filed, opened (none for an anonymous report: nothing was kept)."""
    rows = await session.execute(
        select(submissions.c.ticket, submissions.c.contact_sealed).where(submissions.c.ticket.in_(tickets))
    )
    return {r.ticket: keys.open_row(r.ticket, r.contact_sealed) for r in rows}


def command(case: Case, contact: Identity | None, keys: Keys) -> RecordComplaintV2:
    """The command for bridge-curhat: the reporter's name and phone sealed for it alone."""
    who = None if case.confidentiality == "anonymous" or contact is None else Identity(name=contact.name,
                                                                                         phone=contact.phone)
    return RecordComplaintV2(
        ticket=case.ticket, category=case.category, description=case.description or "(tanpa uraian)",
        kelurahan=case.kelurahan, kecamatan=case.kecamatan, reporter_sealed=seal_identity(keys.writeback,
                                                                                          case.ticket, who),
        submitted_at=case.submitted_at,
    )
