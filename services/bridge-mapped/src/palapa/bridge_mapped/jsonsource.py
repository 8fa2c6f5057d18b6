"""A mapping's JSON endpoint read through the kit's restpoll adapter: a body → the kit's records (pure).

Each item is flattened (nested keys joined by '.': `pasien.nama`), so the mapping names its values as it
names a table's columns. An item the mapping cannot even identify (not an object, no id, a change time that
is no time) still becomes a record, which its translation quarantines with the reason: a page is never
refused for one bad item.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from palapa.bridgekit.ingest import SourceRecord
from palapa.bridgekit.restpoll import Page, TokenPosition

from .sourcespec import JsonSource
from .translate import as_text, fingerprint

ID_CHARS = 64  # row_state's source id column


@dataclass(frozen=True)
class JsonItem:
    values: dict[str, Any]
    ts: datetime  # local naive, as a table's timestamp column
    problem: str | None = None  # why the item cannot be translated at all


def at_path(body: Any, path: str | None) -> Any:
    """The value at a dotted key path (None when any step is missing)."""
    if path is None:
        return body
    for step in path.split("."):
        if not isinstance(body, dict) or step not in body:
            return None
        body = body[step]
    return body


def flatten(item: dict, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            out[name] = json.dumps(value, ensure_ascii=False)
        else:
            out[name] = value
    return out


def change_time(source: JsonSource, values: dict[str, Any], tz: tzinfo,
                now_local: datetime) -> tuple[datetime, str | None]:
    """The item's change time as local naive time, or the read time and the reason it has none."""
    if source.timestamp_field is None:
        return now_local, None
    raw = values.get(source.timestamp_field)
    if not isinstance(raw, str) or not raw.strip():
        return now_local, f"bad_timestamp: {source.timestamp_field}={as_text(raw)!r:.60}"
    try:
        ts = datetime.strptime(raw.strip(), source.timestamp_format) if source.timestamp_format \
            else datetime.fromisoformat(raw.strip())
        if ts.tzinfo is not None:
            ts = ts.astimezone(tz).replace(tzinfo=None)
    except (ValueError, OverflowError):
        return now_local, f"bad_timestamp: {source.timestamp_field}={raw[:60]!r}"
    return ts, None


def record(source: JsonSource, status_field: str, item: Any, tz: tzinfo, now_local: datetime) -> SourceRecord:
    if not isinstance(item, dict):
        values, problem = {"item": as_text(json.dumps(item)) if item is not None else None}, "not_an_object"
        ts = now_local
    else:
        values = flatten(item)
        ts, problem = change_time(source, values, tz, now_local)
    ident = values.get(source.id_field)
    fp = fingerprint(values)
    if isinstance(ident, bool) or not isinstance(ident, int | str) or not str(ident).strip() \
            or len(str(ident)) > ID_CHARS or not str(ident).isprintable():
        problem = problem or f"bad_id: {source.id_field}={as_text(ident)!r:.60}"
        ident = f"invalid-{fp[:16]}"  # one quarantine per distinct bad item
    return SourceRecord(source_id=str(ident).strip(), fingerprint=fp, status=as_text(values.get(status_field)) or "",
                        changed_at=ts, row={k: as_text(v) for k, v in values.items()},
                        item=JsonItem(values, ts, problem))


def parse(source: JsonSource, status_field: str, body: Any, position: TokenPosition, tz: tzinfo,
          now_local: datetime) -> Page:
    """A page of the endpoint: its records, the position after it, whether more wait. ValueError: no list in it."""
    listed = at_path(body, source.items)
    if not isinstance(listed, list):
        raise ValueError(f"no list at '{source.items or '(the body)'}' in the answer")
    records = [record(source, status_field, item, tz, now_local) for item in listed]
    if source.next is None:
        return Page(records, position, False)  # the whole list every time: fingerprints tell what changed
    token = at_path(body, source.next)
    nxt = position if token is None or isinstance(token, bool) else TokenPosition(str(token))
    return Page(records, nxt, bool(at_path(body, source.more)) if source.more else False)
