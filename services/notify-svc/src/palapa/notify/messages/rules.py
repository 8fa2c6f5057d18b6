"""What the platform's events send, and to whom (pure): each event read as message intents.

A citizen's message is keyed by what it says, not by the event that carried it: the cause is the ticket, the
status and how many times the case reached it, so a view republished under a new event id sends nothing, and a
case resolved again after a reopening tells the citizen again. Staff hear of every SLA warning and breach; a
breach reaches the level it climbed to (1 the OPD's officers, 2 the Sekda, 3 the Wali Kota).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from palapa.contracts.events import (
    CaseStatus,
    ComplaintSubmittedV2,
    ComplaintUpdatedV2,
    SlaBreached,
    SlaWarning,
    TaxBillReminderDue,
    TicketKind,
    TicketUpdated,
    dotted_nop,
)
from palapa.contracts.identity import Identity

from .policy import Kind

CITIZEN = "citizen"
ACCOUNT = "account"  # the phone a gate account was made from (a tax-bill follower)
LEVELS = {1: "opd", 2: "sekda", 3: "wali-kota"}
STAFF_LEVELS = tuple(LEVELS.values())
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Intent:
    """A message to send: to the ticket's citizen (`audience` "citizen") or to a staff level (for `opd`)."""

    cause: str
    kind: Kind
    template_id: str
    personalisation: dict[str, str] = field(default_factory=dict)
    ticket: str | None = None
    audience: str = CITIZEN
    opd: str = ""
    secret: tuple[str, ...] = ()  # personalisation fields that must not rest in clear (outbound.Request.secret)


def ticket_link(public_url: str, ticket: str, *, rate: bool = False) -> str:
    """The citizen page for one ticket (the ticket number is the citizen's key: no identity in the link)."""
    link = f"{public_url.rstrip('/')}/?tiket={quote(ticket, safe='')}"
    return link + "&nilai=1" if rate else link


def reporter_addresses(event: ComplaintSubmittedV2, who: Identity | None) -> list[tuple[str, str]]:
    """(channel, raw address) the reporter gave (`who`: what the event sealed, opened); none for an anonymous
    report."""
    if (event.confidentiality or "").lower() == ANONYMOUS or who is None:
        return []
    found = []
    if who.phone and who.phone.strip():
        found.append(("whatsapp", who.phone))
    if who.email and who.email.strip():
        found.append(("email", who.email))
    return found


def private_link(who: Identity | None, ticket: str) -> str | None:
    """The citizen's private link the producer sealed, if it is one of this ticket's on a web page."""
    link = who.link if who is not None else None
    if not link or len(link) > 300 or not link.startswith(("https://", "http://")) or any(c.isspace() for c in link):
        return None
    return link if f"tiket={quote(ticket, safe='')}" in link else None


def on_submitted(event: ComplaintSubmittedV2, public_url: str, who: Identity | None = None) -> list[Intent]:
    """complaint-received, with the citizen's private link when the producer sealed one (a portal case: it opens
    the case; the ticket page alone asks for the key), kept only sealed at rest."""
    link = private_link(who, event.ticket)
    if link is None:
        return [Intent(f"{event.ticket}:received", Kind.COMPLAINT_RECEIVED, "complaint-received",
                       {"ticket": event.ticket, "link": ticket_link(public_url, event.ticket)}, event.ticket)]
    return [Intent(f"{event.ticket}:received", Kind.COMPLAINT_RECEIVED, "complaint-received",
                   {"ticket": event.ticket, "link": link}, event.ticket, secret=("link",))]


def on_complaint_view(event: ComplaintUpdatedV2, public_url: str) -> list[Intent]:
    """A status the citizen hears of: forwarded to an OPD, in progress, resolved (with a rating request), rejected."""
    reached = sum(1 for step in event.timeline if step.status == event.status)
    if not event.timeline or event.timeline[-1].status != event.status:
        return []  # a view whose timeline does not end in its status says nothing new to the citizen
    cause = f"{event.ticket}:{event.status}:{reached}"
    link = ticket_link(public_url, event.ticket)
    base = {"ticket": event.ticket, "link": link}
    if event.status == CaseStatus.DISPOSITIONED:
        return [Intent(cause, Kind.COMPLAINT_FORWARDED, "complaint-forwarded", {**base, "opd": event.opd[:200]},
                       event.ticket)]
    if event.status == CaseStatus.IN_PROGRESS:
        return [Intent(cause, Kind.COMPLAINT_IN_PROGRESS, "complaint-in-progress", base, event.ticket)]
    if event.status == CaseStatus.RESOLVED:
        rated = {**base, "link": ticket_link(public_url, event.ticket, rate=True)}
        return [Intent(cause, Kind.COMPLAINT_RESOLVED, "complaint-resolved", rated, event.ticket)]
    if event.status == CaseStatus.REJECTED:
        reason = " ".join((event.timeline[-1].note or "tidak disebutkan").split())[:250]
        return [Intent(cause, Kind.COMPLAINT_REJECTED, "complaint-rejected", {**base, "reason": reason},
                       event.ticket)]
    return []


def on_ticket_view(event: TicketUpdated, public_url: str) -> list[Intent]:
    """A letter ready to collect; an ambulance on its way (critical)."""
    reached = sum(1 for step in event.timeline if step.status == event.status)
    cause = f"{event.ticket}:{event.status}:{reached}"
    link = ticket_link(public_url, event.ticket)
    if event.kind == TicketKind.SERVICE_REQUEST and event.status == "ready":
        return [Intent(cause, Kind.LETTER_READY, "letter-ready",
                       {"ticket": event.ticket, "title": event.title[:200], "link": link}, event.ticket)]
    if event.kind == TicketKind.INCIDENT and event.status == "dispatched":
        return [Intent(cause, Kind.AMBULANCE_DISPATCHED, "ambulance-dispatched", {"ticket": event.ticket,
                                                                                  "link": link}, event.ticket)]
    return []


def on_tax_reminder(event: TaxBillReminderDue) -> Intent:
    """A follower's bill due within a week: once per bill and follower (the cause), to the follower's phone."""
    return Intent(f"{event.nop}:{event.year}:due-7:{event.account}", Kind.TAX_DUE, "tax-bill-due",
                  {"nop": dotted_nop(event.nop), "due": event.due_date.strftime("%d-%m-%Y")}, None, ACCOUNT)


def on_sla(event: SlaWarning | SlaBreached, event_id: str) -> list[Intent]:
    """A warning reaches the OPD's officers; a breach the level it escalated to."""
    due = event.due_at.isoformat(timespec="minutes")
    values = {"ticket": event.ticket, "opd": event.opd[:200], "due": due}
    if isinstance(event, SlaWarning):
        return [Intent(event_id, Kind.SLA_WARNING, "sla-warning", values, event.ticket, "opd", event.opd)]
    level = LEVELS.get(event.level, "wali-kota")
    return [Intent(event_id, Kind.SLA_BREACHED, "sla-breached", {**values, "level": str(event.level)}, event.ticket,
                   level, event.opd if level == "opd" else "")]
