"""Open311 GeoReport v2: the shapes returned (pure): service entries, a request's view, errors, and the XML.

Follows the GeoReport v2 specification (wiki.open311.org/GeoReport_v2): field names, the open/closed status,
the error list of {code, description}, and the XML roots (services, service_definition, service_requests,
errors). Nothing here does I/O; api.py serves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

from palapa.contracts.events import CASE_STATUS_KIND, StatusKind

from .catalogue import SERVICE_BY_CATEGORY, SERVICE_BY_CODE, Service

#: Statuses GeoReport reports as "closed" (fixed or closed unfixed in the lifecycle); any other is "open".
CLOSED_STATUSES = frozenset(s.value for s, kind in CASE_STATUS_KIND.items() if kind is not StatusKind.OPEN)


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
    due_at: datetime | None
    service_code: str | None = None  # as POSTed; None for cases from other channels
    description: str | None = None
    lat: float | None = None
    long: float | None = None
    address: str | None = None
    address_id: str | None = None
    media_url: str | None = None
    confidentiality: str = "public"


#: what a listing leaves out of an anonymous or confidential case: what was written and where (issue 20)
PRIVATE_FIELDS = ("description", "address", "address_id", "lat", "long", "media_url")


def service_of(row: RequestRow) -> Service:
    """The GeoReport service a case shows under: as POSTed, else by its category, else 'lainnya'."""
    if row.service_code in SERVICE_BY_CODE:
        return SERVICE_BY_CODE[row.service_code]
    return SERVICE_BY_CATEGORY.get((row.category or "").strip().lower(), SERVICE_BY_CODE["lainnya"])


def listed_view(row: RequestRow) -> dict[str, Any]:
    """A request as a public listing shows it: a non-public case without its description and place."""
    view = request_view(row)
    if row.confidentiality != "public":
        view |= dict.fromkeys(PRIVATE_FIELDS)
    return view


def pending_view(row: RequestRow) -> dict[str, Any]:
    """A request just filed whose case is not open yet (read-your-writes right after the POST)."""
    view = request_view(row)
    return view | {"status": "open", "status_notes": "Laporan diterima; sedang diteruskan", "agency_responsible": None,
                   "service_notice": None, "expected_datetime": None}


def request_view(row: RequestRow) -> dict[str, Any]:
    """One GeoReport request in full (its holder's or staff's view). The reporter's name, e-mail and phone are
    never part of it."""
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
        "service_notice": None if closed or not row.due_at else f"Ditindaklanjuti paling lambat {_wib(row.due_at)}",
        "requested_datetime": row.submitted_at.isoformat(),
        "updated_datetime": row.updated_at.isoformat(),
        "expected_datetime": row.due_at.isoformat() if row.due_at else None,
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
