"""Letters requested at the gate (issue 20), pure: the ticket the citizen gets, and what Si Makel's answers do to it.

The gate's request opens a ticket at once, owned by the citizen's account and named by an unguessable id
(`SURAT-` + 100 random bits): a legacy id (SIMAKEL-3107) is sequential and stays a reference, never the key to a
view. RequestLetter goes to bridge-simakel with it; Si Makel, the system of record, answers:
- LetterLinked: the request is filed there as SIMAKEL-n. From then on Si Makel's own events for SIMAKEL-n move this
  ticket (handlers.py redirects them). If the bridge's poll saw the new row first, the SIMAKEL-n ticket already
  holds steps: they are folded into this one, and that ticket is dropped.
- LetterRefused: nothing was filed; the ticket ends "Ditolak" with Si Makel's reason in its timeline.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from palapa.contracts.events import (
    LetterLinked,
    LetterRefused,
    RequestStatus,
    ServiceRequestStatusChanged,
    ServiceRequestSubmitted,
    TicketKind,
)

from . import labels
from .domain import Step, Ticket, _merge_request

PREFIX = "SURAT-"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud or copied by hand
ID_CHARS = 20  # 20 × 5 bits = 100 bits: never guessed, never enumerated
SUBMITTED_LABEL = "Diajukan lewat Palapa"
REFUSED_LABEL = "Ditolak oleh Si Makel"
NIK = re.compile(r"^\d{16}$")
PHONE = re.compile(r"^\+?\d{9,15}$")
LETTER_TYPE = re.compile(r"^[A-Z]{2,8}$")


class LetterFormError(ValueError):
    """The request cannot be sent as it is (the message, in Bahasa Indonesia, says which field and why)."""


def new_ticket(rng: secrets.SystemRandom | None = None) -> str:
    rng = rng or secrets.SystemRandom()
    return PREFIX + "".join(rng.choice(_ALPHABET) for _ in range(ID_CHARS))


def is_letter_ticket(ticket: str) -> bool:
    return ticket.startswith(PREFIX)


@dataclass(frozen=True)
class LetterForm:
    """What the citizen filled in; the applicant's data goes only into the sealed part of the command."""

    letter_type: str
    letter_label: str
    kelurahan: str
    kecamatan: str | None
    purpose: str | None
    name: str
    nik: str
    phone: str | None


def checked(form: LetterForm) -> LetterForm:
    """The form with its values trimmed, or LetterFormError. Only shapes are checked here: whether the NIK is the
    city's or the kelurahan exists is Si Makel's to say (its refusal comes back on the ticket)."""
    def text(value: str | None, limit: int) -> str | None:
        value = " ".join((value or "").split())
        return value[:limit] or None

    nik = (form.nik or "").strip()
    phone = re.sub(r"[\s.\-]", "", form.phone or "") or None
    if not LETTER_TYPE.fullmatch(form.letter_type or ""):
        raise LetterFormError("Jenis surat tidak dikenal.")
    if not NIK.fullmatch(nik):
        raise LetterFormError("NIK harus 16 angka, sesuai KTP-el.")
    if phone is not None and not PHONE.fullmatch(phone):
        raise LetterFormError("Nomor HP tidak valid.")
    name, kelurahan = text(form.name, 100), text(form.kelurahan, 80)
    if name is None:
        raise LetterFormError("Nama pemohon wajib diisi.")
    if kelurahan is None:
        raise LetterFormError("Kelurahan wajib dipilih.")
    return LetterForm(form.letter_type, text(form.letter_label, 120) or form.letter_type, kelurahan,
                      text(form.kecamatan, 80), text(form.purpose, 500), name, nik, phone)


def opened(ticket: str, form: LetterForm, owner: str, source_app: str, at: datetime) -> Ticket:
    """The new ticket, before Si Makel has said anything."""
    step = Step(RequestStatus.SUBMITTED.value, SUBMITTED_LABEL, at)
    return Ticket(ticket=ticket, kind=TicketKind.SERVICE_REQUEST, source_app=source_app,
                  title=labels.request_title(form.letter_label), place=labels.place(form.kelurahan, form.kecamatan),
                  status=step.status, status_label=labels.request_label(RequestStatus.SUBMITTED), revision=1,
                  opened_at=at, updated_at=at, timeline=(step,), opened=True, owner=owner)


def linked(ticket: Ticket, legacy: Ticket | None, event: LetterLinked) -> Ticket | None:
    """The ticket once Si Makel filed it as `event.legacy_ticket`, with what that ticket already held (None: a
    repeat). A refusal recorded before cannot be linked over: the app said both, the later wins."""
    if ticket.legacy_ticket == event.legacy_ticket and legacy is None:
        return None
    timeline = ticket.timeline
    for step in legacy.timeline if legacy is not None else ():
        if step.status != RequestStatus.SUBMITTED.value:
            timeline = _merge_request(timeline, replace(step, at=after_opening(ticket, step.at)))
    top = timeline[-1]
    new = replace(ticket, legacy_ticket=event.legacy_ticket, timeline=timeline, status=top.status,
                  status_label=top.label if top.status != RequestStatus.SUBMITTED.value else ticket.status_label)
    return replace(new, revision=ticket.revision + 1, updated_at=max(ticket.updated_at, top.at))


def refused(ticket: Ticket, event: LetterRefused) -> Ticket | None:
    """The ticket after Si Makel refused to file it (None: already linked, or already refused)."""
    if ticket.legacy_ticket is not None or ticket.status == RequestStatus.REJECTED.value:
        return None
    reason = labels.public_text(event.reason, 200) or "tanpa alasan"
    step = Step(RequestStatus.REJECTED.value, REFUSED_LABEL, max(event.refused_at, ticket.updated_at),
                f"Alasan: {reason}")
    return replace(ticket, timeline=(*ticket.timeline, step), status=step.status,
                   status_label=labels.request_label(RequestStatus.REJECTED), revision=ticket.revision + 1,
                   updated_at=step.at)


def redirected(event: ServiceRequestSubmitted | ServiceRequestStatusChanged,
               ticket: Ticket | None) -> ServiceRequestSubmitted | ServiceRequestStatusChanged:
    """Si Makel's event for the SIMAKEL-n a gate letter was filed as, as an event of that letter. Si Makel stamps
    with its own clock (kelurahan PCs run minutes behind), and nothing happens there before the gate filed it: a
    time before the letter was opened here is read as that moment, or the move would look older than the filing."""
    update: dict = {"ticket": ticket.ticket if ticket else event.ticket}
    if ticket is not None:
        field = "changed_at" if isinstance(event, ServiceRequestStatusChanged) else "submitted_at"
        update[field] = after_opening(ticket, getattr(event, field))
    return event.model_copy(update=update)


def after_opening(ticket: Ticket, at: datetime) -> datetime:
    return at if at.tzinfo is None or at >= ticket.opened_at else ticket.opened_at


def waiting(ticket: Ticket) -> bool:
    """Requested at the gate, not yet filed in Si Makel (the bridge retries while the app is away)."""
    return ticket.owner is not None and ticket.legacy_ticket is None and ticket.status == RequestStatus.SUBMITTED
