"""Portal complaints written back into Curhat Ning Ita, the system of record of Mojokerto's complaints.

complaint-svc sends RecordComplaint (v2: the reporter's name and phone sealed for the bridge) on
palapa.curhat.commands.v1; the bridge writes the tb_pengaduan row the PHP
app's form would (status 0, local times, the category and place as text) with a mark ending isi_laporan, records
the link, and answers ComplaintLinked. The mark makes the poller treat the row as the portal ticket's (no second
case, status changes flow to it: translate.portal_ticket) and makes a redelivered command find the row it wrote
before a crash instead of writing another. With the legacy database down the write fails as a transient error:
the kit retries the batch, so nothing is lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintLinked, RecordComplaintV2
from palapa.contracts.identity import Identity
from palapa.kit.consumer import RejectedEventError
from palapa.kit.sealed import Sealer, SealError, open_identity
from palapa.kit.uow import Done

from . import legacy
from .tables import written_back
from .translate import portal_mark, ticket

#: How far before the command's time the written row can be (clocks, a slow redelivery).
LOOKBACK = timedelta(days=2)
DESCRIPTION_CHARS = 60_000  # TEXT in MySQL holds 64 KiB; the mark must fit after it


def legacy_values(cmd: RecordComplaintV2, now_local: datetime, who: Identity | None = None) -> dict[str, object]:
    """The row as the PHP app writes it (pure): `who` is the reporter the command sealed, opened."""
    who = who or Identity()
    place = ", ".join(p for p in (f"Kel. {cmd.kelurahan}" if cmd.kelurahan else None,
                                  f"Kec. {cmd.kecamatan}" if cmd.kecamatan else None) if p)
    return {
        "nik": None, "nama_pelapor": (who.name or None) and who.name[:100],
        "no_hp": (who.phone or None) and who.phone[:20],
        "isi_laporan": f"{cmd.description[:DESCRIPTION_CHARS]}\n\n{portal_mark(cmd.ticket)}",
        "kategori": (cmd.category or "lainnya")[:60], "lokasi": place[:200] or None, "status": "0",
        "tgl_lapor": now_local.strftime("%d/%m/%Y %H:%M"), "tgl_update": now_local,
    }


class WriteBack:
    def __init__(self, engine: AsyncEngine, app_id: str, source: str, tz: tzinfo, sealer: Sealer) -> None:
        self.engine, self.app_id, self.source, self.tz = engine, app_id, source, tz
        self.sealer = sealer  # opens RecordComplaint v2's reporter (the reporter key, its purpose)

    async def on_record_complaint(self, session: AsyncSession, envelope: Envelope) -> Done:
        cmd: RecordComplaintV2 = envelope.data
        if cmd.submitted_at.tzinfo is None:
            raise RejectedEventError("submitted_at has no time zone")
        try:
            who = open_identity(self.sealer, cmd.ticket, cmd.reporter_sealed, cmd.v1_identity)
        except SealError as exc:  # dead-lettered with the reason, never the sealed value
            raise RejectedEventError(f"reporter_sealed {exc}") from None
        legacy_id = await session.scalar(select(written_back.c.legacy_id).where(written_back.c.ticket == cmd.ticket))
        if legacy_id is None:
            now_local = datetime.now(self.tz).replace(tzinfo=None, microsecond=0)
            since = (cmd.submitted_at - LOOKBACK).astimezone(self.tz).replace(tzinfo=None)
            legacy_id = await legacy.find_marked(self.engine, portal_mark(cmd.ticket), since)
            if legacy_id is None:
                legacy_id = await legacy.insert_row(self.engine, legacy_values(cmd, now_local, who))
            await session.execute(written_back.insert().values(ticket=cmd.ticket, legacy_id=legacy_id,
                                                               written_at=datetime.now(UTC)))
        linked = ComplaintLinked(ticket=cmd.ticket, source_app=self.app_id, source_ref=str(legacy_id),
                                 legacy_ticket=ticket(legacy_id), linked_at=datetime.now(UTC))
        return Done(publish=[Envelope(linked, source=self.source, subject=cmd.ticket)])
