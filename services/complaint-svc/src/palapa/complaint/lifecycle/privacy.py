"""The reporter's identity and their choice of confidentiality (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from palapa.contracts.events import ComplaintSubmittedV2
from palapa.contracts.identity import Identity

CONFIDENTIALITY = ("public", "confidential", "anonymous")
_CONFIDENTIALITY_WORDS = {"": "public", "public": "public", "biasa": "public", "confidential": "confidential",
                          "rahasia": "confidential", "anonymous": "anonymous", "anonim": "anonymous"}


@dataclass(frozen=True)
class Reporter:
    """Who complained; never in the OPD's or the public's view, never logged, absent for anonymous reports."""

    name: str | None = None
    nik_masked: str | None = None
    phone: str | None = None
    email: str | None = None
    phone_hash: str | None = None  # the keyed hash of the number a legacy app recorded: whose phone may claim it


def confidentiality_of(raw: str | None) -> str:
    """The reporter's choice; an unknown word counts as confidential (hiding is the safe mistake)."""
    return _CONFIDENTIALITY_WORDS.get((raw or "").strip().lower(), "confidential")


def reporter_of(submitted: ComplaintSubmittedV2, identity: Identity | None) -> Reporter | None:
    """The identity to keep (what the event sealed, opened by the caller), or None: an anonymous report keeps none
    at all. The private link is the citizen's (notify-svc's message), never kept here."""
    if confidentiality_of(submitted.confidentiality) == "anonymous":
        return None
    said = identity or Identity()
    who = Reporter(said.name, said.nik_masked, said.phone, said.email, submitted.reporter_phone_hash)
    return who if any((who.name, who.nik_masked, who.phone, who.email, who.phone_hash)) else None
