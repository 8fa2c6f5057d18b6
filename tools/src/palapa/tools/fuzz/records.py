"""Seeded poison Kafka records for every consumed topic, made from valid events (events.py) (pure)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from palapa.contracts.envelope import REQUIRED_HEADERS, Envelope
from palapa.contracts.events import BridgeHeartbeat, ComplaintUpdated
from palapa.contracts.topics import Topic

from .events import SOURCE, source_of, subject_of, valid_event
from .values import Values

__all__ = ["SOURCE", "Record", "source_of", "Records", "later", "subject_of", "to_record", "valid_event"]

HUGE_VALUE = 600 * 1024
DATE_FIELDS = ("submitted_at", "changed_at", "updated_at", "at", "seen_at", "last_change_seen", "reported_at",
               "called_at", "registered_at", "issued_at", "opened_at", "due_date")


@dataclass(frozen=True)
class Record:
    topic: str
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]
    label: str  # what kind of poison, for the failure list

    def describe(self) -> str:
        heads = {k: v[:40] for k, v in self.headers}
        return f"{self.label} on {self.topic} key={self.key[:40] if self.key else self.key!r} " \
               f"value={(self.value or b'')[:60]!r} headers={heads}"


def to_record(topic: Topic, envelope: Envelope, label: str = "canary") -> Record:
    key, value, headers = envelope.to_kafka()
    return Record(topic.name, key, value, tuple((k, v.encode()) for k, v in headers.items()), label)


class Records:
    """Seeded poison records: broken headers, values, payloads and keys."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.v = rng, Values(rng)

    def poison(self, topic: Topic, name: str, at: datetime) -> Record:
        """A poison record made from a valid event named `name` at `at` (same seed and arguments, same record)."""
        r, v = self.rng, self.v
        event = valid_event(topic, name, at, canary=False)
        key, value, heads = Envelope(event, source=source_of(topic), subject=subject_of(event), id=f"fuzz-{name}",
                                     time=at).to_kafka()
        headers: dict[str, bytes] = {k: h.encode() for k, h in heads.items()}
        payload = json.loads(value)
        label = r.choice(("not_json", "bad_utf8", "missing_headers", "long_ce_id", "unknown_type",
                          "invalid_payload", "nul_in_json", "calendar_end", "huge_value", "huge_text", "bad_ce_time"))
        if label == "not_json":
            value = r.choice(
                (b"not json", b"{", b'{"ticket":', b"\xef\xbb\xbf{}", b"", b"null", b"[]", v.bad_bytes(50)))
        elif label == "bad_utf8":
            headers[r.choice(REQUIRED_HEADERS)] = v.bad_bytes(r.randint(1, 40))
            if r.random() < 0.5:
                value = v.bad_bytes(r.randint(1, 200))
        elif label == "missing_headers":
            for name_ in r.sample(REQUIRED_HEADERS, r.randint(1, len(REQUIRED_HEADERS))):
                headers.pop(name_)
        elif label == "long_ce_id":
            headers["ce_id"] = (v.unicode_mess(3) + "x" * 10_000)[: r.randint(65, 10_000)].encode()
        elif label == "unknown_type":
            headers["ce_type"] = r.choice((b"palapa.complaint.submitted.v9", b"", b"\xf0\x9f\x94\xa5",
                                           ComplaintUpdated.event_type.encode(), b"x" * 500,
                                           BridgeHeartbeat.event_type.encode()))
        elif label == "invalid_payload":
            value = json.dumps(self._spoil(payload)).encode()
        elif label == "nul_in_json":
            field = r.choice([k for k, x in payload.items() if isinstance(x, str) and k not in DATE_FIELDS] or ["x"])
            payload[field] = f"{payload.get(field, '')}\u0000{v.control(3)}"
            value = json.dumps(payload).encode()  # json.dumps escapes it: "\u0000" inside a valid JSON string
        elif label == "calendar_end":
            for field in DATE_FIELDS:
                if field in payload:
                    payload[field] = v.calendar_end()
            headers["ce_time"] = v.calendar_end().encode()
            value = json.dumps(payload).encode()
        elif label == "huge_value":
            value = v.bad_bytes(HUGE_VALUE)
        elif label == "huge_text":
            field = r.choice([k for k, x in payload.items() if isinstance(x, str) and k not in DATE_FIELDS] or ["x"])
            payload[field] = v.unicode_mess(3) + "y" * (HUGE_VALUE - 100)
            value = json.dumps(payload).encode()
        else:
            headers["ce_time"] = r.choice((b"kemarin", b"9999-99-99T00:00:00Z", b"", "²".encode(), b"0"))
        if r.random() < 0.3:
            key = r.choice((b"", b"\x00", b"\xff\xfe\xfd", v.bad_bytes(r.randint(1, 10_000)), "😀".encode()))
            label += "+odd_key"
        return Record(topic.name, key, value, tuple(headers.items()), label)

    def _spoil(self, payload: dict) -> dict:
        r, v = self.rng, self.v
        field = r.choice(sorted(payload))
        spoil = r.randrange(6)
        if spoil == 0:
            payload.pop(field)
        elif spoil == 1:
            payload[field] = r.choice((None, 10**30, -1, [], {}, True, 2147483648, "", v.unicode_mess(5)))
        elif spoil == 2 and "ticket" in payload:
            payload["ticket"] = r.choice(("curhat-1", "A" * 65, "CURHAT-²", "CURHAT-1\u0000", "-", v.nik()))
        elif spoil == 3:
            for k in ("revision", "rows_translated", "lag_seconds"):
                if k in payload:
                    payload[k] = r.choice((0, -1, 10**30, 2**63, 1e308, "1"))
        elif spoil == 4:
            payload["status"] = r.choice(("selesai", "X", "", None))
        else:
            payload = r.choice(([payload], "string", 42, None))  # type: ignore[assignment]
        return payload


def later(at: datetime, n: int) -> datetime:
    """Canary times that strictly increase, so 'the newest heartbeat' names the latest canary."""
    return at + timedelta(milliseconds=n)
