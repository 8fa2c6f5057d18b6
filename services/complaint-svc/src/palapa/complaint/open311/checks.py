"""Open311 GeoReport v2: what a client sends, checked (pure): a POSTed request, a listing's filters and format.

Follows the GeoReport v2 specification (wiki.open311.org/GeoReport_v2): field names, the open/closed status filter,
the 90-day window; a refusal is an Open311Error, which the API answers as the spec's error list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .catalogue import SERVICE_BY_CODE, Service

#: GeoReport: "the default query should be the past 90 days"; a range may not span more; at most 1000 results.
DEFAULT_WINDOW = timedelta(days=90)
MAX_RESULTS = 1000
MAX_DESCRIPTION = 4000
MAX_FIELD = 200
FORMATS = ("json", "xml")


class Open311Error(Exception):
    """A request the API refuses: HTTP status, and the description the error list carries (Bahasa Indonesia)."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def split_format(name: str) -> tuple[str, str]:
    """'requests.json' → ('requests', 'json'); the extension chooses the format, as the spec does."""
    stem, dot, ext = name.rpartition(".")
    if not dot or ext not in FORMATS:
        raise Open311Error(404, "Format tidak dikenal: akhiri alamat dengan .json atau .xml")
    return stem, ext


def statuses_of(open311_status: str) -> list[str]:
    """The GeoReport `status` filter ('open', 'closed', 'open,closed') → the set it names, or a 400."""
    wanted = {s.strip() for s in open311_status.split(",") if s.strip()}
    if not wanted or not wanted <= {"open", "closed"}:
        raise Open311Error(400, "status harus 'open', 'closed', atau keduanya dipisah koma")
    return sorted(wanted)


def parse_w3c(value: str, name: str) -> datetime:
    """A W3C datetime (2010-01-01T00:00:00Z); a time without a zone is refused rather than guessed."""
    try:
        at = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name} bukan waktu W3C, contoh 2026-11-01T00:00:00Z") from None
    if at.tzinfo is None:
        raise Open311Error(400, f"{name} harus menyertakan zona waktu, contoh 2026-11-01T00:00:00+07:00")
    return at.astimezone(UTC)


def window(start: str | None, end: str | None, now: datetime) -> tuple[datetime, datetime]:
    """The requested_datetime range a listing covers: the past 90 days by default, never more than 90 days."""
    hi = parse_w3c(end, "end_date") if end else now
    lo = parse_w3c(start, "start_date") if start else hi - DEFAULT_WINDOW
    if start and not end:
        hi = min(now, lo + DEFAULT_WINDOW)
    if lo > hi:
        raise Open311Error(400, "start_date harus sebelum end_date")
    if hi - lo > DEFAULT_WINDOW:
        raise Open311Error(400, "Rentang start_date sampai end_date paling lama 90 hari")
    return lo, hi


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")
_ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_-]{1,64})\](\[\])?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class NewRequest:
    """A POSTed service request after checking: what becomes a ComplaintSubmitted, and what stays private."""

    service: Service
    description: str
    lat: float | None
    long: float | None
    address: str | None
    address_id: str | None
    media_url: str | None
    attributes: dict[str, str | list[str]]
    reporter_name: str | None  # first_name + last_name; never returned by the API
    email: str | None
    phone: str | None


def _text(form: dict[str, list[str]], name: str, limit: int = MAX_FIELD) -> str | None:
    values = form.get(name) or []
    if len(values) > 1:
        raise Open311Error(400, f"{name} diberikan lebih dari sekali")
    value = values[0].strip() if values else ""
    if _CONTROL.search(value):
        raise Open311Error(400, f"{name} memuat karakter kendali")
    if len(value) > limit:
        raise Open311Error(400, f"{name} terlalu panjang (paling banyak {limit} karakter)")
    return value or None


def _coordinate(form: dict[str, list[str]], name: str, bound: float) -> float | None:
    raw = _text(form, name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise Open311Error(400, f"{name} harus berupa angka desimal, contoh -7.4722") from None
    if not -bound <= value <= bound:  # also refuses nan and inf
        raise Open311Error(400, f"{name} di luar rentang ±{bound:g}")
    return value


def check_request(form: dict[str, list[str]]) -> NewRequest:
    """Check a POST /requests form (after the api_key check); the first problem found is the 400's reason."""
    code = _text(form, "service_code")
    if code is None:
        raise Open311Error(400, "service_code wajib diisi")
    service = SERVICE_BY_CODE.get(code)
    if service is None:
        raise Open311Error(404, f"service_code {code[:64]!r} tidak dikenal; lihat services.json")
    lat, long = _coordinate(form, "lat", 90), _coordinate(form, "long", 180)
    if (lat is None) != (long is None):
        raise Open311Error(400, "lat dan long harus diisi bersama")
    address, address_id = _text(form, "address_string"), _text(form, "address_id")
    if lat is None and address is None and address_id is None:
        raise Open311Error(400, "Lokasi wajib: lat dan long, address_string, atau address_id")
    description = _text(form, "description", MAX_DESCRIPTION)
    if description is None:
        raise Open311Error(400, "description wajib diisi: jelaskan keluhan Anda")
    media_url = _text(form, "media_url", 2000)
    if media_url is not None and not media_url.startswith(("https://", "http://")):
        raise Open311Error(400, "media_url harus alamat http(s)")
    email, phone = _text(form, "email"), _text(form, "phone", 32)
    if email is not None and not _EMAIL.match(email):
        raise Open311Error(400, "email tidak valid")
    if phone is not None and not _PHONE.match(phone):
        raise Open311Error(400, "phone tidak valid")
    names = [n for n in (_text(form, "first_name"), _text(form, "last_name")) if n]
    return NewRequest(service, description, lat, long, address, address_id, media_url,
                      _attributes(service, form), " ".join(names) or None, email, phone)


def _attributes(service: Service, form: dict[str, list[str]]) -> dict[str, str | list[str]]:
    known = {a.code: a for a in service.attributes}
    given: dict[str, str | list[str]] = {}
    for name, values in form.items():
        match = _ATTRIBUTE.match(name)
        if name.startswith("attribute") and match is None:
            raise Open311Error(400, f"Nama atribut tidak valid: {name[:80]!r}")
        if match is None:
            continue
        attr = known.get(match.group(1))
        if attr is None:
            raise Open311Error(400, f"Atribut {match.group(1)!r} tidak ada pada layanan {service.code}")
        cleaned = [v.strip() for v in values if v.strip()]
        if any(len(v) > MAX_FIELD or _CONTROL.search(v) for v in cleaned):
            raise Open311Error(400, f"Nilai atribut {attr.code} tidak valid")
        allowed = {k for k, _ in attr.values}
        if allowed and any(v not in allowed for v in cleaned):
            raise Open311Error(400, f"Nilai atribut {attr.code} harus salah satu dari: {', '.join(sorted(allowed))}")
        if attr.datatype == "number" and any(not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", v) for v in cleaned):
            raise Open311Error(400, f"Atribut {attr.code} harus berupa angka")
        if attr.datatype != "multivaluelist" and len(cleaned) > 1:
            raise Open311Error(400, f"Atribut {attr.code} hanya boleh satu nilai")
        if cleaned:
            given[attr.code] = cleaned if attr.datatype == "multivaluelist" else cleaned[0]
    missing = [a.code for a in service.attributes if a.required and a.code not in given]
    if missing:
        raise Open311Error(400, f"Atribut wajib belum diisi: {', '.join(missing)}")
    return given
