"""The bytes a producer signs: one CloudEvent as it travels on Kafka (pure: the stdlib only).

The JSON array of the identifying `ce_*` headers (and content-type and the record key), in a fixed order, a
newline, then the record value exactly as sent. JSON escapes every newline inside a header, so the first newline
ends the header part: no two different records have the same canonical form.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from typing import Any

#: names this form so that a later one can never be mistaken for it
FORM = "palapa.ce-signature.v1"
#: the CloudEvents attributes that identify an event, in the order they are signed (a missing one signs as null)
SIGNED_HEADERS = ("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject", "content-type")
#: the Kafka header carrying the signature: a CloudEvents extension attribute in binary mode
SIGNATURE_HEADER = "ce_signature"


def header_map(headers: Mapping[str, Any] | Sequence[tuple[str, Any]]) -> dict[str, str]:
    """Headers as the envelope reads them (a repeated name: the last one wins; bytes as UTF-8, bad bytes replaced),
    so what is verified is exactly what the consumer goes on to read."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    out: dict[str, str] = {}
    for name, value in items:
        out[name] = value.decode("utf-8", "replace") if isinstance(value, bytes | bytearray) else str(value)
    return out


def canonical(key: bytes | None, value: bytes | None, headers: Mapping[str, str]) -> bytes:
    """The signed bytes of a record (headers as given by `header_map`, or the producer's own dict)."""
    fields = [FORM, *(headers.get(name) for name in SIGNED_HEADERS),
              None if key is None else base64.b64encode(key).decode()]
    return json.dumps(fields, ensure_ascii=True, separators=(",", ":")).encode() + b"\n" + (value or b"")


def app_of(source: str) -> str | None:
    """The app a `ce_source` speaks for: `/apps/<app>`, `/services/<app>` and `/palapa/<app>/…` name `<app>`;
    anything else names none (such an event cannot be trusted to any key)."""
    parts = source.split("/")
    if len(parts) < 3 or parts[0] != "" or parts[1] not in ("apps", "services", "palapa") or not parts[2]:
        return None
    if parts[1] != "palapa" and len(parts) > 3:
        return None
    return parts[2]
