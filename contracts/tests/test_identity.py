"""No event carries a person in clear (issue 19): a phone number, an e-mail, a NIK or a reporter's name travels only
sealed (palapa.contracts.identity, palapa.kit.sealed) or as a keyed hash, and an older version that carried one is
read through an upcaster that keeps it out of the fields."""

import json
import re
from pathlib import Path

import pytest

from palapa.contracts.envelope import UPCASTERS, Envelope, from_kafka
from palapa.contracts.events import (
    ALL_EVENTS,
    ComplaintSubmitted,
    ComplaintSubmittedV2,
    RecordComplaint,
    RecordComplaintV2,
)
from palapa.contracts.identity import V1_IDENTITY, Identity
from palapa.contracts.schemas import schema_of

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
#: a field that names a person's identity: phone, e-mail, NIK, a person's name (no_hp, telepon: the legacy words)
PERSONAL = re.compile(r"phone|e_?mail|(^|_)nik(_|$)|no_hp|telepon|(reporter|applicant|patient|citizen|pelapor)_?name"
                      r"|nama", re.IGNORECASE)
#: how such a field may still travel: sealed for its readers, or as a keyed hash
SAFE_SUFFIX = ("_sealed", "_hash")
CURRENT = [e for e in ALL_EVENTS if e.event_type not in UPCASTERS]


def _fields(schema: dict, prefix: str = ""):
    """Every property name in a JSON schema, nested models ($defs) included."""
    for name in schema.get("properties", {}):
        yield f"{prefix}{name}", name
    for name, sub in schema.get("$defs", {}).items():
        yield from _fields(sub, f"{name}.")


@pytest.mark.parametrize("event", CURRENT, ids=lambda e: e.event_type)
def test_no_event_a_producer_may_send_has_a_personal_field_in_clear(event):
    clear = [path for path, name in _fields(schema_of(event))
             if PERSONAL.search(name) and not name.endswith(SAFE_SUFFIX)]
    assert clear == [], f"{event.event_type} carries {clear} in clear: seal it (palapa.kit.sealed) in a new version"


def test_the_versions_that_carried_a_person_in_clear_are_only_read_never_sent():
    carried = {e.event_type for e in ALL_EVENTS
               if any(PERSONAL.search(n) and not n.endswith(SAFE_SUFFIX) for _, n in _fields(schema_of(e)))}
    assert carried == {ComplaintSubmitted.event_type, RecordComplaint.event_type} and carried <= set(UPCASTERS)


@pytest.mark.parametrize(("old", "new"), [(ComplaintSubmitted, ComplaintSubmittedV2),
                                          (RecordComplaint, RecordComplaintV2)])
def test_a_v1_event_on_the_topic_is_read_as_v2_with_its_person_kept_out_of_the_fields(old, new):
    sample = json.loads((SAMPLES / f"{old.event_type}.json").read_text())
    sample["reporter_phone"] = "081234567890"
    headers = {"ce_specversion": "1.0", "ce_id": "e1", "ce_source": "/t", "ce_type": old.event_type,
               "ce_time": "2026-12-07T10:00:00+00:00"}
    read = from_kafka(b"k", json.dumps(sample).encode(), headers).data
    assert isinstance(read, new)
    assert read.v1_identity.phone == "081234567890" and read.v1_identity.name == "Siti Aminah"
    again = read.model_dump_json()
    assert "0812" not in again and "Siti" not in again and V1_IDENTITY not in again
    assert "reporter_phone" not in read.model_dump() and read.reporter_sealed is None


def test_a_v2_event_cannot_be_made_to_publish_a_clear_identity():
    event = ComplaintSubmittedV2.model_validate({
        "ticket": "LAPOR-AAAA", "source_app": "palapa-portal", "source_ref": "t", "description": "x",
        "submitted_at": "2026-12-07T10:00:00Z", V1_IDENTITY: {"phone": "081234567890"},
        "reporter_phone": "081234567890", "reporter_name": "Siti"})
    _, value, _ = Envelope(event, source="/t", subject="LAPOR-AAAA").to_kafka()
    assert b"0812" not in value and b"Siti" not in value


def test_an_identity_never_shows_its_values_when_logged():
    who = Identity(name="Siti Aminah", phone="081234567890")
    assert "Siti" not in repr(who) and "0812" not in str(who) and f"{who}" == "Identity(name, phone)"
    assert who.data() == {"name": "Siti Aminah", "phone": "081234567890"} and not Identity()
