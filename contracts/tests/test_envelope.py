"""Events travel as CloudEvents 1.0, Kafka binary content mode."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from palapa.contracts.envelope import Envelope, EnvelopeError, from_kafka
from palapa.contracts.events import ComplaintStatusChangedV2
from palapa.contracts.topics import ALL_TOPICS, COMPLAINT_INTAKE, topic_for

ROOT_SAMPLES = Path(__file__).resolve().parents[1] / "samples"

CHANGED = ComplaintStatusChangedV2(
    ticket="CURHAT-7",
    source_app="curhat-ning-ita",
    source_ref="7",
    status="resolved",
    legacy_status="3",
    changed_at=datetime(2026, 11, 1, tzinfo=UTC),
)


def test_an_envelope_becomes_binary_mode_headers_with_the_ticket_as_key():
    key, value, headers = Envelope(CHANGED, source="/apps/curhat-ning-ita", subject="CURHAT-7").to_kafka()
    assert key == b"CURHAT-7"
    assert headers["ce_specversion"] == "1.0"
    assert headers["ce_type"] == "palapa.complaint.status_changed.v2"
    assert headers["ce_source"] == "/apps/curhat-ning-ita"
    assert headers["ce_subject"] == "CURHAT-7"
    assert headers["content-type"] == "application/json"
    assert {"ce_id", "ce_time"} <= headers.keys()
    assert b'"status":"resolved"' in value


def test_a_record_round_trips_with_bytes_headers():
    env = Envelope(CHANGED, source="/apps/curhat-ning-ita", subject="CURHAT-7")
    key, value, headers = env.to_kafka()
    back = from_kafka(key, value, [(k, v.encode()) for k, v in headers.items()])
    assert back == env


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda h, v: (dict(h, ce_id=""), v), "missing CloudEvents headers: ce_id"),
        (lambda h, v: (dict(h, ce_type="x.y.v9"), v), "unknown ce_type 'x.y.v9'"),
        (lambda h, v: (dict(h, ce_specversion="0.3"), v), "unsupported ce_specversion '0.3'"),
        (lambda h, v: (h, b"not json"), "value is not JSON"),
        (lambda h, v: (h, b'{"ticket": "CURHAT-7"}'), "payload invalid"),
        (lambda h, v: (dict(h, ce_time="kemarin"), v), "ce_time is not an RFC 3339 time"),
    ],
)
def test_a_bad_record_is_refused_with_the_reason(mutate, reason):
    key, value, headers = Envelope(CHANGED, source="/apps/x", subject="CURHAT-7").to_kafka()
    headers, value = mutate(headers, value)
    with pytest.raises(EnvelopeError, match=reason):
        from_kafka(key, value, headers)


def test_every_event_travels_on_exactly_one_registered_topic():
    assert topic_for(CHANGED) is COMPLAINT_INTAKE
    seen = [t for topic in ALL_TOPICS for t in topic.event_types]
    assert len(seen) == len(set(seen))
    for topic in ALL_TOPICS:
        assert topic.name.startswith("palapa.") and topic.name.rsplit(".", 1)[-1].startswith("v")


def test_a_v1_complaint_update_is_read_as_v2_with_its_kind():
    from palapa.contracts.events import ComplaintUpdatedV2

    v1 = (ROOT_SAMPLES / "palapa.complaint.updated.v1.json").read_bytes()
    headers = {"ce_specversion": "1.0", "ce_id": "e1", "ce_source": "/services/complaint-svc",
               "ce_type": "palapa.complaint.updated.v1", "ce_time": "2026-11-20T08:30:00+00:00"}
    envelope = from_kafka(b"CURHAT-1042", v1, headers)
    assert isinstance(envelope.data, ComplaintUpdatedV2)
    assert (envelope.data.status, envelope.data.status_kind, envelope.data.due_at) == ("in_progress", "open", None)
    assert [t.note for t in envelope.data.timeline] == [None, None]


def test_a_v1_complaint_update_with_a_bad_status_stays_refused_with_the_reason():
    headers = {"ce_specversion": "1.0", "ce_id": "e1", "ce_source": "/s", "ce_type": "palapa.complaint.updated.v1",
               "ce_time": "2026-11-20T08:30:00+00:00"}
    with pytest.raises(EnvelopeError, match="status"):
        from_kafka(b"K", b'{"status": "lost"}', headers)


def _v1_status_change(payload: bytes):
    headers = {"ce_specversion": "1.0", "ce_id": "e1", "ce_source": "/apps/curhat-ning-ita",
               "ce_type": "palapa.complaint.status_changed.v1", "ce_time": "2026-11-20T08:30:00+00:00"}
    return from_kafka(b"CURHAT-1042", payload, headers)


def test_a_v1_status_change_is_read_as_v2_with_the_apps_own_code():
    envelope = _v1_status_change((ROOT_SAMPLES / "palapa.complaint.status_changed.v1.json").read_bytes())
    assert isinstance(envelope.data, ComplaintStatusChangedV2)
    assert (envelope.data.status, envelope.data.legacy_status) == ("in_progress", "2")


def test_a_v1_status_change_without_a_code_takes_its_canonical_status_as_the_code():
    payload = (b'{"ticket": "LAPOR-9", "source_app": "lapor", "source_ref": "9", "status": "resolved", '
               b'"changed_at": "2026-11-20T08:30:00Z"}')
    assert _v1_status_change(payload).data.legacy_status == "resolved"


def test_a_v1_status_change_with_a_bad_status_stays_refused_with_the_reason():
    with pytest.raises(EnvelopeError, match="status"):
        _v1_status_change(b'{"ticket": "CURHAT-1", "status": "lost"}')
