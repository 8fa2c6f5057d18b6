"""The PSC 119 app's shapes as the kit reads them: an incident item (incident.py reads it) as a SourceRecord,
its API page and its webhook body. Anything unreadable becomes a record its translation quarantines."""

from __future__ import annotations

import json
from typing import Any

from palapa.bridgekit.protocol import SourceRecord
from palapa.bridgekit.restpoll import Page, TokenPosition

from .incident import (  # noqa: F401  (re-exported: the adapter's callers read the shapes here too)
    BLANK,
    FIELDS,
    NO_TIME,
    PERSONAL,
    TIME_FORMATS,
    Incident,
    Unreadable,
    as_row,
    clean,
    fingerprint,
    incident_id,
    mask_row,
    parse_time,
    quote,
    read_item,
)


def record(item: Any) -> SourceRecord:
    """The kit's record of one incident version: ordered by the legacy app's own update time."""
    inc = read_item(item)
    row = as_row(item)
    if isinstance(inc, Unreadable):
        source_id = "?" + fingerprint(item)[:16]  # no id to key it by: its digest, so a repeat stays one row
        return SourceRecord(source_id, fingerprint(item), "?", NO_TIME, row, inc, ordered=True)
    changed = parse_time(inc.diperbarui) if inc.diperbarui else None
    status = (inc.kode_status or "")[:20]
    return SourceRecord(str(inc.id_insiden), fingerprint(item), status, changed or NO_TIME, row, inc, ordered=True)


def api_page(body: Any, position: TokenPosition) -> Page:
    """GET /api/v1/insiden's answer: {"data": [...], "berikutnya": token, "ada_lagi": bool}."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise ValueError("an API page must be an object with a 'data' list")
    token = body.get("berikutnya")
    if token is not None and not isinstance(token, str | int):
        raise ValueError("'berikutnya' must be a token")
    after = position if token in (None, "") else TokenPosition(str(token))
    return Page([record(item) for item in body["data"]], after, more=body.get("ada_lagi") is True)


def webhook_records(body: bytes) -> list[SourceRecord]:
    """A webhook body {"jenis": "insiden.berubah", "data": {incident}} → its record; ValueError if unreadable."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as exc:  # RecursionError: '[[[…' nested beyond the parser's depth
        raise ValueError(f"not JSON ({type(exc).__name__})") from exc
    if not isinstance(payload, dict) or "data" not in payload:
        raise ValueError("a webhook body is an object with 'data'")
    return [record(payload["data"])]
