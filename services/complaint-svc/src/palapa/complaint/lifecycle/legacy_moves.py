"""Staff moves written back to the legacy app that holds the case (issue 17, both ways).

A staff move on a case whose system of record is Curhat Ning Ita (the app reported it, or holds a portal complaint
written back to it) is sent to the app's bridge as SetComplaintStatus, staged in the move's own transaction: the
move and its command commit together or not at all. Moves that came from the app (its status changes, corrections)
are never sent back: they arrive through intake, never through here, so nothing loops.

When the app moved the case meanwhile, the bridge writes nothing and answers ComplaintMoveSuperseded: the case's
timeline says whose move gave way (`superseded`), and the app's own move reaches the case as usual.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import CASE_STATUS_LABELS, ComplaintMoveSuperseded, SetComplaintStatus

from .domain import Case, RefusedError, aware, note


class Publishes(Protocol):
    """The kit's unit of work as seen from here (it stays pure): what it publishes commits with the move."""

    def publish(self, *envelopes: Envelope) -> None: ...


#: the legacy app whose bridge takes these commands (palapa.curhat.commands.v1)
CURHAT = "curhat-ning-ita"


def legacy_ref(case: Case) -> str | None:
    """The case's row in Curhat Ning Ita, when the app is its system of record; None otherwise."""
    if case.source_app == CURHAT:
        return case.source_ref
    if case.linked_app == CURHAT:
        return case.linked_ref
    return None


def last_legacy_status(case: Case) -> str | None:
    """The app's own code last reported for the case (its timeline's newest step that carries one)."""
    return next((s.legacy_status for s in reversed(case.timeline) if s.legacy_status), None)


def command(old: Case, new: Case, by: str | None, at: datetime) -> SetComplaintStatus | None:
    """The command a staff move stages (pure): one when it changed the status of a case Curhat holds, else None."""
    ref = legacy_ref(new)
    if ref is None or new.status == old.status or not by:
        return None
    return SetComplaintStatus(ticket=new.ticket, legacy_ref=ref, status=new.status, seen_status=old.status,
                              seen_legacy_status=last_legacy_status(old), by=by[:100], revision=new.revision,
                              moved_at=at)


def stage(tx: Publishes, old: Case, new: Case, by: str | None, source: str) -> None:
    """Stage the staff move's command in `tx` (the move's transaction), if it needs one."""
    cmd = command(old, new, by, new.timeline[-1].at)
    if cmd is not None:
        tx.publish(Envelope(cmd, source=source, subject=new.ticket))


def superseded(case: Case, event: ComplaintMoveSuperseded) -> Case | None:
    """The case with the superseded move on its timeline (its status stays: the app's move arrives as usual)."""
    if event.source_app not in (case.source_app, case.linked_app):
        raise RefusedError(f"{event.ticket} belongs to {case.source_app!r}; {event.source_app!r} cannot answer for it")
    at = aware(event.superseded_at, "superseded_at")
    label = CASE_STATUS_LABELS[event.status]
    won = CASE_STATUS_LABELS[event.legacy_case_status] if event.legacy_case_status else "kode tidak dikenal"
    text = (f"Langkah dari portal oleh {event.by} ({label}) digantikan oleh {event.source_app}: "
            f"kode {event.legacy_status} ({won})")
    return note(case, at, text)
