"""A PSC 119 incident as the legacy app shows it (API page item, webhook `data`), read: pure (stdlib, contracts
and the kit's pure modules), so translate.py may use it.

The legacy app writes local time (WIB) as text in a few formats, '-' or '' for nothing, ids sometimes as
text, and its clock runs a few minutes off.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from palapa.bridgekit.masking import head_of, mask_text, safe_text
from palapa.bridgekit.protocol import fingerprint as row_fingerprint

BLANK = {"", "-", "--"}
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M",
                "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")
#: a record's change time when the legacy one is unreadable (its translation quarantines it)
NO_TIME = datetime(1970, 1, 1)
#: personal data of the caller: never in an event, a log line or a reason
PERSONAL = ("nama_penelepon", "telp_penelepon")


@dataclass(frozen=True)
class Incident:
    """One incident as the legacy app shows it; every field as given (text, number or None)."""

    id_insiden: int
    kode_status: str | None = None
    jenis_kejadian: str | None = None
    nama_penelepon: str | None = None
    telp_penelepon: str | None = None
    alamat_kejadian: str | None = None
    kelurahan: str | None = None
    kecamatan: str | None = None
    unit_ambulans: str | None = None
    faskes_tujuan: str | None = None
    waktu_lapor: str | None = None
    waktu_berangkat: str | None = None
    waktu_serah_terima: str | None = None
    waktu_selesai: str | None = None
    diperbarui: str | None = None


FIELDS = {f.name for f in fields(Incident)}


def clean(text: Any) -> str | None:
    """Text trimmed and single-spaced, control characters dropped; blank or '-' → None."""
    if text is None:
        return None
    text = " ".join("".join(c for c in str(text) if c.isprintable() or c == " ").split())
    return None if text in BLANK else text


def quote(value: Any, limit: int = 60) -> str:
    """A value as a reason may quote it: masked, cut, repr'd."""
    text = str(value)
    return repr(mask_text(text if len(text) <= limit else head_of(text, limit)))


def parse_time(raw: Any) -> datetime | None:
    """A legacy local time in any of its formats (naive), None when unreadable."""
    text = " ".join(str(raw).split())
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def incident_id(value: Any) -> int | None:
    """The incident's id: a positive 63-bit integer, given as a number or as digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and 0 < value < 2**63 else None


def fingerprint(item: Any) -> str:
    return row_fingerprint(item, "json")


def as_row(item: Any) -> dict[str, str | None]:
    """The item as text columns (the quarantine table keeps them raw)."""
    if not isinstance(item, dict):
        return {"payload": head_of(json.dumps(item, default=str), 10_000)}
    return {str(k)[:100]: None if v is None else (v if isinstance(v, str) else json.dumps(v, default=str))
            for k, v in item.items()}


def mask_row(row: dict[str, str | None]) -> dict[str, str | None]:
    """A row as a quarantine event may carry it: the caller's name and phone hidden, other text masked and cut."""
    return {k: (None if v is None else "***" if k in PERSONAL else safe_text(v)) for k, v in row.items()}


@dataclass(frozen=True)
class Unreadable:
    """An item that is not an incident (its record's translation quarantines it with `reason`)."""

    reason: str


def read_item(item: Any) -> Incident | Unreadable:
    if not isinstance(item, dict):
        return Unreadable(f"not_an_object: an incident must be a JSON object, got {type(item).__name__}")
    id_insiden = incident_id(item.get("id_insiden"))
    if id_insiden is None:
        return Unreadable(f"invalid_id_insiden: {quote(item.get('id_insiden'))} is not a positive 63-bit id")
    for name in FIELDS & item.keys():
        if isinstance(item[name], dict | list):
            return Unreadable(f"unexpected_{name}: a {type(item[name]).__name__} where the app writes text")
    values = {k: (None if v is None else str(v)) for k, v in item.items() if k in FIELDS and k != "id_insiden"}
    return Incident(id_insiden=id_insiden, **values)
