"""Open311 GeoReport v2, the pure part: the service list, checking a POSTed request, and the shapes returned.

Follows the GeoReport v2 specification (wiki.open311.org/GeoReport_v2): field names, the open/closed status,
the error list of {code, description}, and the XML roots (services, service_definition, service_requests,
errors). Nothing here does I/O; api.py serves it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

from palapa.contracts.events import CASE_STATUS_KIND, StatusKind

#: Statuses GeoReport reports as "closed" (fixed or closed unfixed in the lifecycle); any other is "open".
CLOSED_STATUSES = frozenset(s.value for s, kind in CASE_STATUS_KIND.items() if kind is not StatusKind.OPEN)
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


@dataclass(frozen=True)
class Attribute:
    """One extra question of a service definition (GeoReport `attributes`)."""

    code: str
    description: str
    datatype: str = "string"  # string, number, datetime, text, singlevaluelist, multivaluelist
    required: bool = False
    order: int = 1
    values: tuple[tuple[str, str], ...] = ()  # (key, name) for the list types


@dataclass(frozen=True)
class Service:
    """A kind of complaint a client can file; `category` is what complaint-svc routes on."""

    code: str
    name: str
    description: str
    group: str
    category: str
    keywords: tuple[str, ...] = ()
    attributes: tuple[Attribute, ...] = field(default_factory=tuple)


_SEVERITY = Attribute("tingkat", "Seberapa mendesak?", "singlevaluelist", required=False, order=1,
                      values=(("ringan", "Ringan"), ("sedang", "Sedang"), ("berat", "Berat / membahayakan")))

SERVICES: tuple[Service, ...] = (
    Service("jalan-rusak", "Jalan rusak atau berlubang", "Kerusakan jalan, trotoar atau jembatan.",
            "Infrastruktur", "jalan rusak", ("jalan", "lubang", "aspal", "trotoar"), (_SEVERITY,)),
    Service("banjir", "Banjir dan saluran air", "Genangan, banjir, saluran atau drainase tersumbat.",
            "Infrastruktur", "banjir", ("genangan", "drainase", "got"), (_SEVERITY,)),
    Service("sampah", "Sampah dan kebersihan", "Sampah menumpuk, belum diangkut, atau dibuang sembarangan.",
            "Lingkungan", "sampah", ("kebersihan", "tps")),
    Service("pohon-tumbang", "Pohon tumbang", "Pohon tumbang atau rawan tumbang.", "Lingkungan",
            "pohon tumbang", ("pohon", "ranting"), (_SEVERITY,)),
    Service("lampu-jalan", "Lampu penerangan jalan mati", "Lampu penerangan jalan umum (PJU) mati atau rusak.",
            "Perhubungan", "penerangan jalan", ("pju", "lampu"),
            (Attribute("nomor-tiang", "Nomor tiang lampu (jika terlihat)", "string", required=False, order=1),)),
    Service("lalu-lintas", "Lalu lintas dan parkir", "Lampu lalu lintas, rambu, atau parkir liar.",
            "Perhubungan", "lalu lintas", ("parkir", "rambu", "macet")),
    Service("kesehatan", "Pelayanan kesehatan", "Pelayanan puskesmas, rumah sakit daerah, atau DBD.",
            "Kesehatan", "kesehatan", ("puskesmas", "dbd", "rumah sakit")),
    Service("pendidikan", "Pendidikan", "Sekolah negeri, PPDB, atau fasilitas sekolah.", "Pendidikan",
            "pendidikan", ("sekolah", "ppdb")),
    Service("adminduk", "Administrasi kependudukan", "KTP-el, kartu keluarga, akta, dan pindah datang.",
            "Kependudukan", "administrasi kependudukan", ("ktp", "kk", "akta")),
    Service("ketertiban", "Ketertiban umum", "Gangguan ketertiban, PKL, atau keamanan lingkungan.",
            "Ketertiban", "ketertiban", ("pkl", "keamanan")),
    Service("lainnya", "Lainnya", "Keluhan lain; petugas akan meneruskannya ke OPD yang tepat.", "Lainnya",
            "lainnya", ()),
)
SERVICE_BY_CODE = {s.code: s for s in SERVICES}
SERVICE_BY_CATEGORY = {s.category: s for s in SERVICES}


def split_format(name: str) -> tuple[str, str]:
    """'requests.json' → ('requests', 'json'); the extension chooses the format, as the spec does."""
    stem, dot, ext = name.rpartition(".")
    if not dot or ext not in FORMATS:
        raise Open311Error(404, "Format tidak dikenal: akhiri alamat dengan .json atau .xml")
    return stem, ext


def service_entry(s: Service) -> dict[str, Any]:
    return {"service_code": s.code, "service_name": s.name, "description": s.description,
            "metadata": bool(s.attributes), "type": "realtime", "keywords": ",".join(s.keywords), "group": s.group}


def service_definition(s: Service) -> dict[str, Any]:
    return {"service_code": s.code, "attributes": [
        {"variable": True, "code": a.code, "datatype": a.datatype, "required": a.required,
         "datatype_description": None, "order": a.order, "description": a.description,
         "values": [{"key": k, "name": n} for k, n in a.values]}
        for a in s.attributes]}


def open_or_closed(status: str) -> str:
    return "closed" if status in CLOSED_STATUSES else "open"


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


# --- XML (the spec's roots; JSON is the same dicts as they are) -----------------------------------------------

_LIST_ITEM = {"services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute",
              "values": "value"}


def _xml_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return escape(str(value))


def _xml(tag: str, value: Any) -> str:
    if isinstance(value, dict):
        return f"<{tag}>{''.join(_xml(k, v) for k, v in value.items())}</{tag}>"
    if isinstance(value, list):
        item = _LIST_ITEM.get(tag, "item")
        return f"<{tag}>{''.join(_xml(item, v) for v in value)}</{tag}>"
    return f"<{tag}>{_xml_value(value)}</{tag}>"


def to_xml(root: str, body: list[Any] | dict[str, Any]) -> str:
    """A GeoReport XML document: a list under its plural root (services/service, ...), or one object."""
    return '<?xml version="1.0" encoding="utf-8"?>' + _xml(root, body)


def errors_body(status: int, description: str) -> list[dict[str, Any]]:
    return [{"code": status, "description": description}]


@dataclass(frozen=True)
class RequestRow:
    """What the API reads of a case (and of its Open311 submission, when it came that way) to show it."""

    ticket: str
    status: str
    status_label: str
    category: str | None
    opd: str
    submitted_at: datetime
    updated_at: datetime
    due_at: datetime
    service_code: str | None = None  # as POSTed; None for cases from other channels
    description: str | None = None
    lat: float | None = None
    long: float | None = None
    address: str | None = None
    address_id: str | None = None
    media_url: str | None = None


def service_of(row: RequestRow) -> Service:
    """The GeoReport service a case shows under: as POSTed, else by its category, else 'lainnya'."""
    if row.service_code in SERVICE_BY_CODE:
        return SERVICE_BY_CODE[row.service_code]
    return SERVICE_BY_CATEGORY.get((row.category or "").strip().lower(), SERVICE_BY_CODE["lainnya"])


def request_view(row: RequestRow) -> dict[str, Any]:
    """One GeoReport request. The reporter's name, e-mail and phone are never part of it."""
    service = service_of(row)
    closed = open_or_closed(row.status) == "closed"
    return {
        "service_request_id": row.ticket,
        "status": "closed" if closed else "open",
        "status_notes": row.status_label,
        "service_name": service.name,
        "service_code": service.code,
        "description": row.description,
        "agency_responsible": row.opd,
        "service_notice": None if closed else f"Ditindaklanjuti paling lambat {_wib(row.due_at)}",
        "requested_datetime": row.submitted_at.isoformat(),
        "updated_datetime": row.updated_at.isoformat(),
        "expected_datetime": row.due_at.isoformat(),
        "address": row.address,
        "address_id": row.address_id,
        "zipcode": None,
        "lat": row.lat,
        "long": row.long,
        "media_url": row.media_url,
    }


def _wib(at: datetime) -> str:
    local = at.astimezone(UTC) + timedelta(hours=7)  # Mojokerto is UTC+7 all year (no daylight saving)
    return local.strftime("%d-%m-%Y %H:%M WIB")
