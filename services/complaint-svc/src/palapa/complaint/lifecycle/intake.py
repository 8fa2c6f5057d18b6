"""What a channel's intake event does to a case (pure): a submission opens it, a link ties it to the legacy
record that holds it, a status change moves it, and a bridge's answer that the legacy app superseded a staff move
writes that on its timeline (legacy_moves.py).

For a case a legacy app holds (the event's source_app is the case's source_app or its linked_app), that app's
status is the truth (issue 17). The bridge decided the canonical status once, from its own table; here every move
the app makes is recorded: a move the lifecycle allows as staff would make it, the same status again as nothing,
and a move the lifecycle would not allow from staff (2 → 1, 3 → 2) as a correction (domain.correct). None is
refused: the lifecycle's validation is for moves made through the platform (staff, the citizen, Open311).
"""

from __future__ import annotations

from datetime import datetime

from palapa.contracts.events import (
    CaseStatus,
    ComplaintLinked,
    ComplaintMoveSuperseded,
    ComplaintStatusChanged,
    ComplaintStatusChangedV2,
    ComplaintSubmittedV2,
)

from . import legacy_moves
from .domain import Case, Policy, RefusedError, aware, check_ticket, correct, move, note, open_case
from .transitions import refusal

__all__ = ["IntakeEvent", "check_channel", "corrected", "decide", "link"]

IntakeEvent = (ComplaintSubmittedV2 | ComplaintStatusChanged | ComplaintStatusChangedV2 | ComplaintLinked
               | ComplaintMoveSuperseded)


def check_channel(event: IntakeEvent, producer: str | None, own: str | None) -> None:
    """A case's channel is the app that verifiably produced its event (issue 18), never what the payload claims:
    RefusedError when the payload's source_app is another app than the one whose key signed it. complaint-svc's
    own events (the portal, Open311) name their channel themselves; `producer` None: nothing was verified."""
    if producer is None or producer == own or event.source_app == producer:
        return
    raise RefusedError(f"{event.ticket}: source_app {event.source_app!r} is not the app that signed it ({producer!r})")


def decide(case: Case | None, event: IntakeEvent, *, at: datetime | None = None, policy: Policy) -> Case | None:
    """The case after an intake event (None: nothing changes); RefusedError for what can never apply."""
    if isinstance(event, ComplaintLinked):
        return link(case, event)
    if isinstance(event, ComplaintMoveSuperseded):
        if case is None:
            check_ticket(event.ticket)
            raise RefusedError(f"superseded move for unknown ticket {event.ticket}")
        return legacy_moves.superseded(case, event)
    if isinstance(event, ComplaintSubmittedV2) and case is None:
        return open_case(event, policy=policy)
    if case is None:
        check_ticket(event.ticket)
        raise RefusedError(f"status change for unknown ticket {event.ticket}: no ComplaintSubmitted seen")
    if event.ticket != case.ticket:
        raise RefusedError(f"event for {event.ticket} applied to case {case.ticket}")
    if event.source_app not in (case.source_app, case.linked_app):
        raise RefusedError(f"{event.ticket} belongs to {case.source_app!r}; {event.source_app!r} cannot change it")
    to = CaseStatus(event.status.value)  # decided by the bridge; v1 statuses are v2 statuses
    if to == case.status:
        return None
    if isinstance(event, ComplaintSubmittedV2):  # a bridge resync under a new event id: a change at the envelope's time
        when = aware(at, "the envelope time") if at is not None else case.updated_at
    else:
        when = aware(event.changed_at, "changed_at")
    said = getattr(event, "note", None)
    if refusal(case.status, to) is not None:
        return correct(case, to, when, source_app=event.source_app, policy=policy,
                       legacy_status=event.legacy_status, note=said)
    reason = f"Ditolak di {event.source_app} (kode {event.legacy_status})" if to is CaseStatus.REJECTED else None
    try:
        return move(case, to, when, policy=policy, legacy_status=event.legacy_status, note=said or reason)
    except RefusedError:  # a detail only staff give (who is responsible, the original): the app's move still holds
        return correct(case, to, when, source_app=event.source_app, policy=policy,
                       legacy_status=event.legacy_status, note=said)


def corrected(old: Case | None, new: Case) -> bool:
    """Whether an intake decision recorded a correction: a move staff could not have made."""
    return old is not None and new.status != old.status and refusal(old.status, new.status) is not None


def link(case: Case | None, event: ComplaintLinked) -> Case | None:
    """A legacy app now holds the case's record: its status changes count for the case from here on."""
    if case is None:
        check_ticket(event.ticket)
        raise RefusedError(f"link for unknown ticket {event.ticket}: no ComplaintSubmitted seen")
    if (case.linked_app, case.linked_ref) == (event.source_app, event.source_ref):
        return None  # the bridge said it again (a redelivered command)
    if case.linked_app is not None:
        raise RefusedError(f"{case.ticket} is already recorded in {case.linked_app} as {case.linked_ref}")
    at = aware(event.linked_at, "linked_at")
    text = f"Tercatat di {event.source_app} sebagai {event.legacy_ticket}"
    return note(case, at, text, linked_app=event.source_app, linked_ref=event.source_ref)
