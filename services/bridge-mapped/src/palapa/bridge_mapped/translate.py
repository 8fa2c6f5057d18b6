"""Pure: a source row and a mapping → the contract event (or nothing), or a quarantine with the reason."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any, Protocol

from palapa.bridgekit.protocol import Quarantine, Translated, as_utc
from palapa.bridgekit.protocol import fingerprint as row_fingerprint
from palapa.contracts.events import Event

__all__ = ["Quarantine", "Translated", "as_text", "fingerprint", "local_to_utc", "translate"]


class FieldSpec(Protocol):
    """What translate reads of a field's mapping (fieldspec.FieldSpec, read from YAML)."""

    name: str
    column: str | None
    value: Any
    required: bool
    map: dict[str, Any] | None
    kind: str
    prefix: str
    date_format: str | None


class Mapping(Protocol):
    """What translate reads of an app's mapping (mapping.Mapping): typed here, so this module stays pure."""

    source: Any  # a TableSource (`table`, `timestamp_column`) or a JsonSource
    status: Any  # `column`, `actions`: status text → 'emit' or 'skip'
    emit_on: str
    fields: dict[str, FieldSpec]
    event: type[Event]
    key: str

BLANK = {"", "-"}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
STATUS_CHARS = 20  # row_state keeps the source's status in 20 characters
ENVELOPE_HEADROOM = 4096


def safe_text(text: str, limit: int) -> str:
    """Cut for a reason; the kit masks every reason again before it leaves the bridge."""
    text = CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if len(text) <= limit else text[:limit] + "…"


class UnusableError(ValueError):
    """A value of the row that the mapping cannot turn into its field; the text is the quarantine reason."""


def as_text(value: Any) -> str | None:
    """A column's value as the quarantine table and a map see it."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def fingerprint(row: dict[str, Any]) -> str:
    """A digest of the whole row: same digest, same row (NULL differs from '')."""
    return row_fingerprint({k: as_text(v) for k, v in row.items()}, "json-compact")


local_to_utc = as_utc  # the name the mapped sources use


def field_value(spec: FieldSpec, row: dict[str, Any], tz: tzinfo, absent_is_blank: bool = False) -> Any:
    """The field's value from the row (None when blank), or UnusableError with the reason.

    A table has every column in every row: one missing is a mapping's typo, said in the reason. A JSON item
    leaves out what it has no value for (`absent_is_blank`)."""
    if spec.column is None:
        return spec.value
    if spec.column not in row and not absent_is_blank:
        raise UnusableError(f"missing_column: {spec.column}")
    raw = row.get(spec.column)
    shown = as_text(raw)
    if shown is None or shown.strip() in BLANK:
        if spec.required:
            raise UnusableError(f"blank_{spec.column}: required for {spec.name}")
        return None
    if CONTROL.search(shown):
        raise UnusableError(f"control_characters_in_{spec.column}: {safe_text(shown, 80)!r}")
    if spec.map is not None:
        code = shown.strip()
        if code not in spec.map:
            raise UnusableError(f"unmapped_value: {spec.column}={safe_text(code, 40)!r}")
        return spec.map[code]
    if spec.kind in ("datetime", "date"):
        return _moment(spec, raw, shown.strip(), tz)
    if spec.kind == "str":
        return f"{spec.prefix}{shown.strip()}"
    return raw.strip() if isinstance(raw, str) else float(raw) if isinstance(raw, Decimal) else raw


#: dates an event field may carry: a birth date may be old, but no real date lies in year 1 or 9999
EARLIEST_FIELD, LATEST_FIELD = datetime(1900, 1, 1), datetime(2100, 1, 1)


def _moment(spec: FieldSpec, raw: Any, shown: str, tz: tzinfo) -> datetime | date:
    if spec.date_format:
        try:
            parsed = datetime.strptime(shown, spec.date_format)
        except ValueError:
            raise UnusableError(f"bad_date: {spec.column}={safe_text(shown, 40)!r} is not {spec.date_format}") from None
    elif isinstance(raw, datetime):
        parsed = raw
    elif isinstance(raw, date):
        parsed = datetime.combine(raw, datetime.min.time())
    else:
        try:
            parsed = datetime.fromisoformat(shown)
        except ValueError:
            raise UnusableError(f"bad_date: {spec.column}={safe_text(shown, 40)!r} is no ISO date") from None
    if not EARLIEST_FIELD <= parsed.replace(tzinfo=None) < LATEST_FIELD:  # '0001-01-01', '9999-12-31': no date
        raise UnusableError(f"implausible_date: {spec.column}={shown!r} is outside "
                            f"{EARLIEST_FIELD:%Y} … {LATEST_FIELD:%Y}")
    if spec.kind == "date":
        return parsed.date()
    try:
        return local_to_utc(parsed, tz)
    except (OverflowError, ValueError):
        raise UnusableError(f"implausible_date: {spec.column}={shown!r}") from None


def translate(mapping: Mapping, row: dict[str, Any], last: Any, tz: tzinfo,
              changed_at: datetime, now: datetime, max_event_bytes: int,
              ahead: timedelta = timedelta(hours=24)) -> Translated | Quarantine:
    """The row's event when its status says emit (once per arrival at that status unless emit_on: every_change).

    `last` is what the bridge handled before for this row (its `.status`), None for a row never seen."""
    if mapping.status.column not in row and hasattr(mapping.source, "table"):
        return Quarantine(f"missing_column: {mapping.status.column}")  # a typo in the mapping: every row says so
    status_raw = as_text(row.get(mapping.status.column))
    status = (status_raw or "").strip()
    if len(status) > STATUS_CHARS or CONTROL.search(status):
        return Quarantine(f"unknown_status: {safe_text(status, 40)!r}")
    action = mapping.status.actions.get(status)
    if action is None:
        return Quarantine(f"unknown_status: {safe_text(status, 40)!r} (mapped: {', '.join(mapping.status.actions)})")
    try:
        at = local_to_utc(changed_at, tz)
    except (OverflowError, ValueError):
        return Quarantine(f"implausible_timestamp: {mapping.source.timestamp_column}={changed_at!r}")
    if not datetime(2000, 1, 1, tzinfo=UTC) <= at <= now + ahead:
        return Quarantine(f"implausible_timestamp: {mapping.source.timestamp_column}={changed_at.isoformat(sep=' ')}")
    if action == "skip":
        return Translated([], status, at)
    if mapping.emit_on == "status_change" and last is not None and last.status == status:
        return Translated([], status, at)  # changed, but already announced at this status
    try:
        absent_is_blank = not hasattr(mapping.source, "table")  # a JSON endpoint's items
        values = {name: field_value(spec, row, tz, absent_is_blank) for name, spec in mapping.fields.items()}
    except UnusableError as exc:
        return Quarantine(str(exc))
    try:
        event = mapping.event.model_validate({k: v for k, v in values.items() if v is not None})
    except ValueError as exc:  # pydantic's ValidationError
        e = exc.errors()[0] if hasattr(exc, "errors") else {"loc": (), "msg": str(exc)}
        where = ".".join(map(str, e["loc"])) or "event"
        return Quarantine(f"invalid_{where}: {e['msg']}")
    if len(event.model_dump_json().encode()) + ENVELOPE_HEADROOM > max_event_bytes:
        return Quarantine(f"too_large: the event would exceed {max_event_bytes:,} bytes")
    return Translated([event], status, at, subject=str(getattr(event, mapping.key)))
