"""The committed JSON Schemas are the contract: a model change must stay backward compatible with them."""

import json
from pathlib import Path

import pytest

from palapa.contracts.events import ALL_EVENTS, EVENT_TYPES
from palapa.contracts.schemas import breaking_changes, schema_of

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
SAMPLES = ROOT / "samples"
#: What to do with a schema or a sample of no declared event.
ORPHAN = "declare the event on a topic in its palapa.contracts.events domain module, or `git rm` the file"


@pytest.mark.parametrize("event", ALL_EVENTS, ids=lambda e: e.event_type)
def test_every_event_has_a_committed_schema_and_stays_compatible_with_it(event):
    path = SCHEMAS / f"{event.event_type}.json"
    assert path.exists(), f"run `uv run python -m palapa.contracts.schemas` and commit contracts/schemas/{path.name}"
    committed = json.loads(path.read_text())
    assert breaking_changes(committed, schema_of(event)) == []


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_golden_samples_of_every_version_keep_parsing(sample):
    assert sample.stem in EVENT_TYPES, f"{sample.name} is the sample of no declared event ({ORPHAN})"
    model = EVENT_TYPES[sample.stem]
    model.model_validate_json(sample.read_text())


def test_every_event_type_has_a_golden_sample():
    missing = sorted(set(EVENT_TYPES) - {p.stem for p in SAMPLES.glob("*.json")})
    assert {p.stem for p in SAMPLES.glob("*.json")} >= set(EVENT_TYPES), (
        f"no golden sample for {missing}: write contracts/samples/<event_type>.json, one realistic payload of the "
        "event (like its neighbours there), then run `./palapa test contracts`"
    )


def test_every_committed_schema_belongs_to_a_declared_event():
    orphans = sorted(p.name for p in SCHEMAS.glob("*.json") if p.stem not in EVENT_TYPES)
    assert orphans == [], f"schemas of no declared event: {orphans} ({ORPHAN})"


def _schema(props, required=()):
    return {"type": "object", "properties": props, "required": list(required)}


def test_removing_a_field_is_breaking():
    old = _schema({"a": {"type": "string"}, "b": {"type": "string"}})
    new = _schema({"a": {"type": "string"}})
    assert breaking_changes(old, new) == ["field removed: b"]


def test_narrowing_a_type_is_breaking():
    old = _schema({"a": {"anyOf": [{"type": "string"}, {"type": "null"}]}})
    new = _schema({"a": {"type": "string"}})
    assert breaking_changes(old, new) == ["type narrowed: a: ['null', 'string'] -> ['string']"]


def test_dropping_an_enum_value_is_breaking():
    old = _schema({"s": {"enum": ["a", "b"]}})
    new = _schema({"s": {"enum": ["a"]}})
    assert len(breaking_changes(old, new)) == 1


def test_a_new_required_field_is_breaking_but_a_new_optional_one_is_not():
    old = _schema({"a": {"type": "string"}}, ["a"])
    assert breaking_changes(old, _schema({"a": {"type": "string"}, "b": {"type": "string"}}, ["a", "b"])) == [
        "new required field: b"
    ]
    assert breaking_changes(old, _schema({"a": {"type": "string"}, "b": {"type": "string"}}, ["a"])) == []


def test_widening_a_type_is_compatible():
    old = _schema({"n": {"type": "integer"}})
    new = _schema({"n": {"anyOf": [{"type": "number"}, {"type": "null"}]}})
    assert breaking_changes(old, new) == []
