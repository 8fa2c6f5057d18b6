"""What a citizen reads (pure): statuses per kind with their Bahasa Indonesia labels, titles, places, and the
cleaning every text from a source app goes through before it reaches a public view."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from palapa.contracts.events import REQUEST_STATUS_LABELS, RequestStatus


class IncidentStatus(StrEnum):
    """Where a PSC 119 incident stands, in the order an incident moves through."""

    REPORTED = "reported"
    DISPATCHED = "dispatched"
    HANDED_OVER = "handed_over"
    CLOSED = "closed"


#: An incident's stages in order: the furthest one reached is its status, whatever order the events came in.
INCIDENT_RANK = {s: n for n, s in enumerate(IncidentStatus)}
#: A request's statuses in the order Si Makel moves a request forward (a rejection ends it).
REQUEST_RANK = {s.value: n for n, s in enumerate(RequestStatus)}
INCIDENT_LABELS = {
    IncidentStatus.REPORTED: "Laporan diterima",
    IncidentStatus.DISPATCHED: "Ambulans berangkat",
    IncidentStatus.HANDED_OVER: "Pasien diserahkan ke fasilitas kesehatan",
    IncidentStatus.CLOSED: "Selesai",
}
#: IncidentClosed outcomes that mean something other than "done" to the citizen; any other outcome reads "Selesai".
CLOSED_OUTCOMES = {
    "dibatalkan": "Dibatalkan",
    "batal": "Dibatalkan",
    "tidak ditemukan": "Selesai (lokasi tidak ditemukan)",
}

REQUEST_TITLE = "Permohonan layanan kelurahan"  # until the request's own letter type is known
INCIDENT_TITLE = "Gawat darurat PSC 119"
TEXT_MAX = 120

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
# NIK (16 digits) or a phone number (with spaces, dots, dashes or a +62) never reaches a public view
_NUMBER = re.compile(r"\+?\d(?:[\s.\-]?\d){7,}")


def public_text(value: str | None, limit: int = TEXT_MAX) -> str | None:
    """A source app's text fit for a public view: no control or bidi characters, one line, no long numbers
    (NIK, phone), at most `limit` characters; None when nothing is left."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", value))
    text = " ".join(_NUMBER.sub("…", text).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text or None


def correction_note(source_app: str, label: str, code: str | None) -> str:
    """What the timeline says when the system of record moved a ticket back (Bahasa Indonesia)."""
    code = public_text(code, 20)
    return f"Dikoreksi di {source_app}: kode {code} ({label})" if code else f"Dikoreksi di {source_app}: {label}"


def request_label(status: RequestStatus) -> str:
    return REQUEST_STATUS_LABELS[status]


def handed_over_label(facility: str | None) -> str:
    where = public_text(facility)
    return f"Pasien diserahkan ke {where}" if where else INCIDENT_LABELS[IncidentStatus.HANDED_OVER]


def closed_label(outcome: str | None) -> str:
    key = " ".join((outcome or "").lower().split())
    return CLOSED_OUTCOMES.get(key, INCIDENT_LABELS[IncidentStatus.CLOSED])


def incident_title(kind: str | None) -> str:
    what = public_text(kind, 80)
    return f"{INCIDENT_TITLE}: {what}" if what else INCIDENT_TITLE


def request_title(letter_label: str) -> str:
    return public_text(letter_label) or REQUEST_TITLE


def place(kelurahan: str | None, kecamatan: str | None) -> str | None:
    """'Kelurahan X, Kecamatan Y' (either alone when the other is unknown); never more precise than that."""
    parts = [f"{word} {name}" for word, name in (("Kelurahan", _area(kelurahan, _KEL)),
                                                  ("Kecamatan", _area(kecamatan, _KEC))) if name]
    return ", ".join(parts) or None


_KEL = re.compile(r"^(?:kelurahan|kel\.?|desa)\s+", re.IGNORECASE)
_KEC = re.compile(r"^(?:kecamatan|kec\.?)\s+", re.IGNORECASE)


def _area(name: str | None, prefix: re.Pattern) -> str | None:
    text = public_text(name, 60)
    return public_text(prefix.sub("", text), 60) if text else None
