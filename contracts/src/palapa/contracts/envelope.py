"""CloudEvents 1.0 in the Kafka protocol binding, binary content mode.

Spec: https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md
Attributes travel as `ce_`-prefixed headers, the JSON body is the record value, the subject is the key.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from .events import (
    EVENT_TYPES,
    ComplaintStatusChanged,
    ComplaintStatusChangedV2,
    ComplaintSubmitted,
    ComplaintSubmittedV2,
    ComplaintUpdated,
    ComplaintUpdatedV2,
    Event,
    RecordComplaint,
    RecordComplaintV2,
    upcast_complaint_status_changed_v1_v2,
    upcast_complaint_submitted_v1_v2,
    upcast_complaint_updated_v1_v2,
    upcast_record_complaint_v1_v2,
)

SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"
REQUIRED_HEADERS = ("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time")


class EnvelopeError(ValueError):
    """A Kafka record that is not a valid Palapa CloudEvent; the message says why."""


@dataclass(frozen=True)
class Envelope:
    """One event with its CloudEvents context attributes."""

    data: Event
    source: str
    subject: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def type(self) -> str:
        return self.data.event_type

    def to_kafka(self) -> tuple[bytes, bytes, dict[str, str]]:
        """(key, value, headers) for the Kafka binary content mode."""
        headers = {
            "ce_specversion": SPECVERSION,
            "ce_id": self.id,
            "ce_source": self.source,
            "ce_type": self.type,
            "ce_time": self.time.isoformat(),
            "ce_subject": self.subject,
            "content-type": CONTENT_TYPE,
        }
        value = self.data.model_dump_json().encode()
        return self.subject.encode(), value, headers


#: Upcasters turn an older payload into the next version's: {old_type: (new_type, fn)}.
#: Golden samples of each version must keep parsing through these (contracts/tests).
UPCASTERS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    ComplaintUpdated.event_type: (ComplaintUpdatedV2.event_type, upcast_complaint_updated_v1_v2),
    ComplaintStatusChanged.event_type: (ComplaintStatusChangedV2.event_type, upcast_complaint_status_changed_v1_v2),
    ComplaintSubmitted.event_type: (ComplaintSubmittedV2.event_type, upcast_complaint_submitted_v1_v2),
    RecordComplaint.event_type: (RecordComplaintV2.event_type, upcast_record_complaint_v1_v2),
}


def _header_map(headers: Mapping[str, Any] | Sequence[tuple[str, Any]]) -> dict[str, str]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    out: dict[str, str] = {}
    for name, value in items:
        out[name] = value.decode("utf-8", "replace") if isinstance(value, bytes | bytearray) else str(value)
    return out


def from_kafka(
    key: bytes | None, value: bytes | None, headers: Mapping[str, Any] | Sequence[tuple[str, Any]]
) -> Envelope:
    """Parse a Kafka record into an Envelope, upcasting old versions; EnvelopeError says what is wrong."""
    h = _header_map(headers)
    missing = [name for name in REQUIRED_HEADERS if not h.get(name)]
    if missing:
        raise EnvelopeError(f"missing CloudEvents headers: {', '.join(missing)}")
    if h["ce_specversion"] != SPECVERSION:
        raise EnvelopeError(f"unsupported ce_specversion {h['ce_specversion']!r}")
    ctype = h.get("content-type", CONTENT_TYPE).split(";")[0].strip()
    if ctype != CONTENT_TYPE:
        raise EnvelopeError(f"unsupported content-type {ctype!r}")
    try:
        time = datetime.fromisoformat(h["ce_time"])
    except ValueError as exc:
        raise EnvelopeError(f"ce_time is not an RFC 3339 time: {h['ce_time']!r}") from exc
    if value is None:
        raise EnvelopeError("record has no value")
    try:
        payload = json.loads(value)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise EnvelopeError(f"value is not JSON: {exc}") from exc
    ce_type = h["ce_type"]
    while ce_type in UPCASTERS:
        ce_type, upcast = UPCASTERS[ce_type]
        payload = upcast(payload)
    model = EVENT_TYPES.get(ce_type)
    if model is None:
        raise EnvelopeError(f"unknown ce_type {h['ce_type']!r}")
    try:
        data = model.model_validate(payload)
    except ValidationError as exc:
        raise EnvelopeError(f"{ce_type} payload invalid: {_brief(exc)}") from exc
    subject = h.get("ce_subject") or (key.decode("utf-8", "replace") if key else "")
    return Envelope(data=data, source=h["ce_source"], subject=subject, id=h["ce_id"], time=time)


def _brief(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}" for e in exc.errors()[:5])
