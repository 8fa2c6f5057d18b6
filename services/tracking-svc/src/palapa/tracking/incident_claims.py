"""Claiming a PSC 119 incident by the phone it was called from ("Kasus saya", issue 20): pure.

PSC 119's tickets are sequential, so knowing one proves nothing. bridge-psc119 puts the keyed hash of the caller's
number on IncidentReported (caller_phone_hash, keyed with the gate's account secret: palapa.contracts.phone), which
is what a phone account is made of. The gate signs a citizen in by a one-time code sent to that number, so the
citizen token's `warga-<hash>` account is the proof: an incident whose hash is the account's and that no account owns
yet is theirs on request. Another number and an unknown ticket get the same answer; no number is stored or compared.
"""

from __future__ import annotations

import hmac
from dataclasses import replace
from typing import Literal

from palapa.contracts.events import TicketKind
from palapa.contracts.phone import hash_of_account

from .domain import Ticket

Outcome = Literal["claimed", "taken", "not_yours", "not_phone"]


def claim(ticket: Ticket | None, account: str) -> tuple[Outcome, Ticket | None]:
    """The outcome of `account` claiming `ticket`, and the ticket to save (None: nothing changes). "claimed" also
    when it is theirs already; "taken" when another account owns it; "not_yours" for an unknown ticket, one that is no
    incident, or one called from another number (the same answer: a guess learns nothing); "not_phone" for an account
    that is no phone account (an INApas one has no number to match)."""
    wanted = hash_of_account(account)
    if wanted is None:
        return "not_phone", None
    if (ticket is None or ticket.kind is not TicketKind.INCIDENT or ticket.phone_hash is None
            or not hmac.compare_digest(ticket.phone_hash, wanted)):
        return "not_yours", None
    if ticket.owner == account:
        return "claimed", None
    if ticket.owner is not None:
        return "taken", None
    return "claimed", replace(ticket, owner=account)
