"""A complaint filed on the portal's own doors (Open311 or the citizen form) becomes a ComplaintSubmitted (pure)."""

from __future__ import annotations

import secrets
from datetime import datetime
from urllib.parse import quote

from palapa.contracts.events import ComplaintSubmittedV2
from palapa.contracts.identity import Identity

from .checks import NewRequest

#: The source app of complaints filed through the portal's doors, and their tickets' prefix.
SOURCE_APP = "palapa-portal"
PREFIX = "LAPOR"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud over the phone


def new_ticket() -> str:
    """LAPOR-XXXX-XXXX-XXXX-XXXX: 80 random bits, so tickets are neither guessable nor counted. A ticket is a
    reference, never the key to a view: reading needs the case's capability (cases/keys.py)."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return f"{PREFIX}-" + "-".join(chars[i:i + 4] for i in range(0, 16, 4))


def new_token() -> str:
    return secrets.token_hex(16)


def private_link(track_url: str, ticket: str, capability: str) -> str:
    """The citizen's private link: the capability after '#', so a browser never sends it (no server logs it)."""
    return f"{track_url}#tiket={quote(ticket)}&kunci={capability}"


def reporter(req: NewRequest, link: str | None, *, anonymous: bool = False) -> Identity | None:
    """Who filed it, with the private link to tell them by: none for an anonymous report (nothing is kept)."""
    if anonymous:
        return None
    return Identity(name=req.reporter_name, phone=req.phone, email=req.email, link=link) or None


def submitted(ticket: str, token: str, req: NewRequest, at: datetime, *, kelurahan: str | None = None,
              kecamatan: str | None = None, anonymous: bool = False,
              reporter_sealed: str | None = None) -> ComplaintSubmittedV2:
    """The event complaint-svc opens the case from (its place feeds routing by kelurahan and duplicate checks).
    The reporter travels only sealed (`reporter_sealed`, for complaint-svc and notify-svc: identity.py)."""
    where = None if kelurahan or req.lat is not None else (req.address or req.address_id)
    description = req.description if where is None else f"{req.description}\n\nLokasi: {where}"
    return ComplaintSubmittedV2(
        ticket=ticket, source_app=SOURCE_APP, source_ref=token, category=req.service.category,
        description=description, submitted_at=at, confidentiality="anonymous" if anonymous else "confidential",
        kelurahan=kelurahan, kecamatan=kecamatan, latitude=req.lat, longitude=req.long,
        reporter_sealed=None if anonymous else reporter_sealed,
    )
