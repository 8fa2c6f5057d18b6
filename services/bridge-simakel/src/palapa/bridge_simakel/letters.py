"""Letters requested at the gate, filed in Si Makel (issue 20): RequestLetter → POST /api/permohonan.

tracking-svc sends RequestLetter on palapa.simakel.commands.v1 when a signed-in citizen asks for a letter. The bridge
opens the applicant's data (sealed for it alone: palapa.kit.sealed), posts Si Makel's own filing form with the
portal ticket as `no_referensi`, and answers on the requests topic:
- LetterLinked with Si Makel's id (SIMAKEL-n): its own status moves then reach the citizen's ticket (tracking-svc);
- LetterRefused with Si Makel's reason (a NIK not of the city, an unknown kelurahan…), which the citizen sees.
No duplicate: the inbox drops a redelivered command by its event id, `letters_filed` answers a command for a ticket
already handled, and Si Makel itself answers `duplikat` with the request filed before under the same reference (a
crash after its answer, before the bridge's commit). Nothing lost: while Si Makel is away (no answer, 5xx) the
command fails as a transient error and the kit retries its batch with backoff; the citizen's ticket says it waits.
An answer that cannot be read, or data that does not open, is dead-lettered with the reason (a re-drive is safe).
The applicant's data is sent to Si Makel and nowhere else: not logged, not stored here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import defusedxml.ElementTree as SafeET
import httpx
from defusedxml import DefusedXmlException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import LetterLinked, LetterRefused, RequestLetter
from palapa.kit.consumer import RejectedEventError
from palapa.kit.sealed import Sealer, SealError
from palapa.kit.uow import Done

from .tables import letters_filed
from .translate import ticket as legacy_ticket

#: the purpose the applicant's data is sealed for (tracking-svc seals with the same)
SEAL_PURPOSE = "simakel.applicant"
MAX_ANSWER = 256 * 1024


class SiMakelAwayError(ConnectionError):
    """Si Makel did not answer, or answered that it is away (5xx): transient, the command is retried."""


@dataclass(frozen=True)
class Answer:
    """What Si Makel said to a filing: its request id, or its reason for refusing."""

    legacy_id: str | None
    duplicate: bool = False
    refused: str | None = None


def read_answer(status: int, body: bytes) -> Answer:
    """Si Makel's answer to POST /api/permohonan (pure). Its refusals come as HTTP 200 `<hasil>gagal</hasil>`."""
    if status >= 500 or status in (408, 429):
        raise SiMakelAwayError(f"Si Makel answered {status}")
    if len(body) > MAX_ANSWER:
        raise RejectedEventError(f"Si Makel's answer is {len(body)} bytes: not a filing answer")
    try:
        root = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, SafeET.ParseError) as exc:
        raise RejectedEventError(f"Si Makel's answer ({status}) is unreadable: {type(exc).__name__}") from None
    outcome = (root.findtext("hasil") or "").strip().lower()
    if outcome == "gagal":
        reason = " ".join((root.findtext("pesan") or "").split())[:500]
        return Answer(None, refused=reason or "Si Makel menolak tanpa alasan")
    found = root.find("permohonan")
    legacy_id = (found.get("id") or "").strip() if found is not None else ""
    if outcome not in ("ok", "duplikat") or not legacy_id.isdigit() or len(legacy_id) > 12:
        raise RejectedEventError(f"Si Makel's answer ({status}) says {outcome[:20]!r} with id {legacy_id[:20]!r}")
    return Answer(str(int(legacy_id)), duplicate=outcome == "duplikat")


class LetterFiler:
    """The command consumer: RequestLetter → Si Makel's filing form → LetterLinked or LetterRefused."""

    def __init__(self, client: httpx.AsyncClient, sealer: Sealer, app_id: str, source: str) -> None:
        self.client, self.sealer, self.app_id, self.source = client, sealer, app_id, source

    async def on_request_letter(self, session: AsyncSession, envelope: Envelope) -> Done:
        cmd: RequestLetter = envelope.data
        if cmd.requested_at.tzinfo is None:
            raise RejectedEventError("requested_at has no time zone")
        row = (await session.execute(select(letters_filed).where(letters_filed.c.ticket == cmd.ticket))).first()
        if row is not None:  # handled before (a replay, a re-driven dead letter): the same answer again
            answer = Answer(row.legacy_id, row.outcome == "duplicate", row.reason if row.outcome == "refused" else None)
        else:
            try:
                applicant = self.sealer.open(cmd.ticket, cmd.applicant)
            except SealError as exc:
                raise RejectedEventError(f"the applicant's data does not open: {exc}") from None
            answer = await self._file(cmd, applicant)
            outcome = "refused" if answer.refused else "duplicate" if answer.duplicate else "filed"
            await session.execute(letters_filed.insert().values(
                ticket=cmd.ticket, outcome=outcome, legacy_id=answer.legacy_id, reason=answer.refused,
                handled_at=datetime.now(UTC)))
        return Done(publish=[Envelope(self._event(cmd, answer), source=self.source, subject=cmd.ticket)])

    async def _file(self, cmd: RequestLetter, applicant: dict) -> Answer:
        form = {"nik": applicant.get("nik") or "", "nama": applicant.get("nama") or "",
                "telepon": applicant.get("telepon") or "", "kode_surat": cmd.letter_type, "kelurahan": cmd.kelurahan,
                "keperluan": cmd.purpose or "", "no_referensi": cmd.ticket}
        try:
            res = await self.client.post("/api/permohonan", data=form)
        except httpx.HTTPError as exc:
            raise SiMakelAwayError(f"Si Makel unreachable: {type(exc).__name__}") from None
        return read_answer(res.status_code, res.content)

    def _event(self, cmd: RequestLetter, answer: Answer) -> LetterLinked | LetterRefused:
        now = datetime.now(UTC)
        if answer.refused is not None:
            return LetterRefused(ticket=cmd.ticket, source_app=self.app_id, reason=answer.refused, refused_at=now)
        return LetterLinked(ticket=cmd.ticket, source_app=self.app_id, source_ref=answer.legacy_id,
                            legacy_ticket=legacy_ticket(int(answer.legacy_id)), linked_at=now)
