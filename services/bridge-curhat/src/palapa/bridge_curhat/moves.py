"""Portal staff moves written back into Curhat Ning Ita (issue 17, both ways): SetComplaintStatus → tb_pengaduan.

complaint-svc sends SetComplaintStatus when staff move a case the app holds. The bridge writes the app's own code
for the new status (libs/curhat-legacy codes.CODES_FOR) with tgl_update, as the PHP status screen does, unless:
- the row already holds a code of that meaning: nothing to write;
- the row has moved since the portal last saw it (its status is not the one the command saw): the legacy app is
  the system of record and wins. Nothing is written; ComplaintMoveSuperseded says so on the intake topic, and the
  app's own move reaches the case as any legacy move does.

No echo: the write happens under the checkpoint's row lock, and the row as written goes into row_state in the same
transaction, so the poll finds the version it reads back already handled (same fingerprint) and emits nothing.
Nothing lost: with the legacy database down the command fails as a transient error and the kit retries its batch.
Idempotent: the inbox drops a redelivered command by its event id, and status_moves by the case revision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from palapa.bridgekit.checkpoint import Checkpoint
from palapa.bridgekit.state import RowStates
from palapa.contracts.envelope import Envelope
from palapa.contracts.events import CaseStatus, ComplaintMoveSuperseded, SetComplaintStatus
from palapa.curhat_legacy.codes import CODES_FOR
from palapa.kit.consumer import EventEffect, RejectedEventError
from palapa.kit.uow import Done

from . import legacy
from .tables import status_moves, written_back
from .translate import DELETED_CODE, canonical_status, fingerprint

#: how often a write that lost its compare-and-set to the app is decided again on the row read anew
ATTEMPTS = 3


@dataclass(frozen=True)
class Write:
    """Write this code into the row."""

    code: str


@dataclass(frozen=True)
class Unchanged:
    """The row already says what the portal's move means: nothing to write."""


@dataclass(frozen=True)
class Superseded:
    """The app moved the row since the portal last saw it: the app's status wins."""

    legacy_status: str
    status: CaseStatus | None  # what the app's code means, None for a code the bridge does not know


def decide(current: str | None, cmd: SetComplaintStatus) -> Write | Unchanged | Superseded:
    """What a staff move does to the row now holding `current` (None: the row is gone). Codes are compared by
    meaning ('2' and 'diproses' are one status), each status as the code it is written as (curhat_legacy's
    codes.CODES_FOR)."""
    if current is None:
        return Superseded(DELETED_CODE, CaseStatus.CLOSED)  # deleted in the app: the sweep announces it closed
    now = canonical_status(current)
    code = CODES_FOR[cmd.status]
    if now == canonical_status(code):
        return Unchanged()
    if now != canonical_status(CODES_FOR[cmd.seen_status]):
        return Superseded(current, now)
    return Write(code)


def superseded(cmd: SetComplaintStatus, verdict: Superseded, app_id: str, legacy_id: int,
               at: datetime) -> ComplaintMoveSuperseded:
    return ComplaintMoveSuperseded(
        ticket=cmd.ticket, source_app=app_id, source_ref=str(legacy_id), status=cmd.status, by=cmd.by,
        revision=cmd.revision, legacy_status=verdict.legacy_status, legacy_case_status=verdict.status,
        superseded_at=at)


class StatusWriter:
    """The command consumer: SetComplaintStatus → tb_pengaduan, row_state and status_moves in one bridge
    transaction."""

    def __init__(self, engine: AsyncEngine, app_id: str, source: str, tz: tzinfo, checkpoint: Checkpoint,
                 states: RowStates) -> None:
        self.engine, self.app_id, self.source, self.tz = engine, app_id, source, tz
        self.checkpoint, self.states = checkpoint, states

    async def on_set_complaint_status(self, session: AsyncSession, envelope: Envelope) -> Done | None:
        cmd: SetComplaintStatus = envelope.data
        if cmd.moved_at.tzinfo is None:
            raise RejectedEventError("moved_at has no time zone")
        handled = await session.scalar(select(status_moves.c.revision).where(status_moves.c.ticket == cmd.ticket))
        if handled is not None and handled >= cmd.revision:
            return None  # a redelivery, or a move the portal has already made again since
        legacy_id = await self._legacy_id(session, cmd)
        # the poll ingests under this lock: it cannot see the write before row_state holds it
        await self.checkpoint.load(session, for_update=True)
        now = datetime.now(UTC)
        for _ in range(ATTEMPTS):
            row = await legacy.read_row(self.engine, legacy_id)
            verdict = decide(row.status if row else None, cmd)
            if not isinstance(verdict, Write):
                break
            now_local = datetime.now(self.tz).replace(tzinfo=None, microsecond=0)
            written = await legacy.set_status(self.engine, legacy_id, row.status, verdict.code, now_local)
            if written is not None:
                fp = fingerprint(written)
                status = canonical_status(verdict.code)
                await self.states.save(session, [self.states.row(str(legacy_id), status.value, verdict.code, fp,
                                                                 written.tgl_update, None, now)])
                await self._handled(session, cmd, legacy_id, "written", verdict.code, fp, now)
                return None
        else:  # the app kept moving the row under each write: what it holds now wins
            row = await legacy.read_row(self.engine, legacy_id)
            verdict = decide(row.status if row else None, cmd)
            if isinstance(verdict, Write):
                verdict = Superseded(row.status, canonical_status(row.status))
        if isinstance(verdict, Unchanged):
            await self._handled(session, cmd, legacy_id, "unchanged", row.status, None, now)
            return None
        await self._handled(session, cmd, legacy_id, "superseded", verdict.legacy_status, None, now)
        event = superseded(cmd, verdict, self.app_id, legacy_id, now)
        return Done(publish=[Envelope(event, source=self.source, subject=cmd.ticket)])

    async def _legacy_id(self, session: AsyncSession, cmd: SetComplaintStatus) -> int:
        if cmd.legacy_ref is not None:
            if not cmd.legacy_ref.isdigit() or not 0 < int(cmd.legacy_ref) < 2**31:
                raise RejectedEventError(f"legacy_ref {cmd.legacy_ref[:64]!r} is not a tb_pengaduan id")
            return int(cmd.legacy_ref)
        legacy_id = await session.scalar(select(written_back.c.legacy_id).where(written_back.c.ticket == cmd.ticket))
        if legacy_id is None:
            raise RejectedEventError(f"{cmd.ticket} has no tb_pengaduan row: it was never written back")
        return legacy_id

    async def _handled(self, session: AsyncSession, cmd: SetComplaintStatus, legacy_id: int, outcome: str,
                       code: str | None, fp: str | None, now: datetime) -> None:
        values = {"revision": cmd.revision, "legacy_id": legacy_id, "outcome": outcome,
                  "legacy_status": code[:20] if code else None, "fingerprint": fp, "handled_at": now}
        stmt = insert(status_moves).values(ticket=cmd.ticket, **values)
        await session.execute(stmt.on_conflict_do_update(index_elements=[status_moves.c.ticket], set_=values))


def commands(record_complaint: EventEffect, set_status: EventEffect) -> EventEffect:
    """One effect for the command topic: each command to its handler (the topic's events are these two)."""
    async def on_command(session: AsyncSession, envelope: Envelope) -> Done | None:
        if isinstance(envelope.data, SetComplaintStatus):
            return await set_status(session, envelope)
        return await record_complaint(session, envelope)

    return on_command
