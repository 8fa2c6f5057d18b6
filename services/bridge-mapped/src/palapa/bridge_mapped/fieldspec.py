"""The `fields:` part of a mapping: how each event field is made from a source column or a fixed value."""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

import yaml
from pydantic import TypeAdapter, ValidationError

from palapa.contracts.events import Event, is_ticket

from .yamlnodes import Doc, items, scalar, text

# a table's column, or a key path in a JSON item (pasien.nama)
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,62}(?:\.[A-Za-z_][A-Za-z0-9_-]{0,62})*$")
SPEC_KEYS = {"column", "value", "prefix", "map", "date_format"}
SAMPLE = datetime(2026, 11, 26, 8, 5, 9)


@dataclass(frozen=True)
class FieldSpec:
    """One event field: from `column` (through prefix, map or date_format) or a fixed `value`."""

    name: str
    kind: str  # str | enum | datetime | date | other: what the value checks and date_format mean
    required: bool
    column: str | None = None
    value: Any = None
    prefix: str = ""
    map: dict[str, Any] | None = None
    date_format: str | None = None


def kind_of(annotation: Any) -> str:
    """The field's base type, without Optional."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = args[0] if len(args) == 1 else annotation
    if isinstance(annotation, type):
        if issubclass(annotation, Enum):
            return "enum"
        if issubclass(annotation, datetime):
            return "datetime"
        if issubclass(annotation, date):
            return "date"
        if issubclass(annotation, str):
            return "str"
    return "other"


def adapter(event: type[Event], name: str) -> TypeAdapter:
    """Checks a value as the event's field would (type and constraints such as min_length)."""
    info = event.model_fields[name]
    return TypeAdapter(Annotated[info.annotation, *info.metadata]) if info.metadata else TypeAdapter(info.annotation)


def check_value(doc: Doc, node: yaml.Node, event: type[Event], spec_name: str, kind: str, what: str) -> Any:
    """The node's value as the field takes it, or None (refused) when the field would not accept it."""
    if not isinstance(node, yaml.ScalarNode):
        doc.refuse(node, f"{what} must be a single value")
        return None
    value = node.value if kind in ("str", "enum") and scalar(node) is not None else scalar(node)
    try:
        adapter(event, spec_name).validate_python(value)
    except ValidationError as exc:
        reason = "; ".join(e["msg"] for e in exc.errors()[:2])
        doc.refuse(node, f"wrong type for field '{spec_name}' of {event.__name__} ({kind}): {node.value!r}: {reason}")
        return None
    return value


def read_fields(doc: Doc, node: yaml.Node, event: type[Event], status, fields_key: yaml.Node) -> dict[str, FieldSpec]:
    entries = items(doc, node, "fields")
    if entries is None:
        return {}
    known = event.model_fields
    specs: dict[str, FieldSpec] = {}
    for name, (key, value) in entries.items():
        if name not in known:
            doc.refuse(key, f"unknown field '{name}' of {event.__name__} (its fields: {', '.join(known)})")
            continue
        spec = _spec(doc, name, value, event)
        if spec is not None:
            specs[name] = spec
    for name, info in known.items():
        if info.is_required() and name not in entries:
            doc.refuse(fields_key, f"missing required field '{name}' of {event.__name__}")
    if status is not None:
        for spec in specs.values():
            if spec.column == status.column and spec.map is not None:
                for code, action in status.actions.items():
                    if action == "emit" and code not in spec.map:
                        doc.refuse(
                            entries[spec.name][1], f"status '{code}' has no mapping in the map of field '{spec.name}'"
                        )
    return specs


def _spec(doc: Doc, name: str, node: yaml.Node, event: type[Event]) -> FieldSpec | None:
    info = event.model_fields[name]
    kind, required = kind_of(info.annotation), info.is_required()
    if isinstance(node, yaml.ScalarNode):  # shorthand: `queue_number: no_antrian` is the column
        column = text(doc, node, f"fields.{name}")
        if column is not None and not IDENTIFIER.fullmatch(column):
            doc.refuse(node, f"fields.{name}: '{column}' is not a column name or key path")
            return None
        return FieldSpec(name, kind, required, column=column) if column else None
    entries = items(doc, node, f"fields.{name}")
    if entries is None:
        return None
    for option, (key, _) in entries.items():
        if option not in SPEC_KEYS:
            doc.refuse(key, f"fields.{name}: unknown option '{option}' (known: {', '.join(sorted(SPEC_KEYS))})")
    if ("column" in entries) == ("value" in entries):
        doc.refuse(node, f"fields.{name}: give either 'column' or 'value'")
        return None
    spec: dict[str, Any] = {}
    if "value" in entries:
        spec["value"] = check_value(doc, entries["value"][1], event, name, kind, f"fields.{name}.value")
        for option in ("prefix", "map", "date_format"):
            if option in entries:
                doc.refuse(entries[option][0], f"fields.{name}: '{option}' applies to a column, not to a fixed value")
        return FieldSpec(name, kind, required, **spec) if spec["value"] is not None else None
    column = text(doc, entries["column"][1], f"fields.{name}.column")
    if column is not None and not IDENTIFIER.fullmatch(column):
        doc.refuse(entries["column"][1], f"fields.{name}.column '{column}' is not a column name or key path")
    spec["column"] = column
    if "prefix" in entries:
        prefix = text(doc, entries["prefix"][1], f"fields.{name}.prefix") or ""
        if kind != "str":
            doc.refuse(entries["prefix"][0], f"fields.{name}: a prefix needs a text field, '{name}' is {kind}")
        elif name == "ticket" and not is_ticket(prefix + "1"):
            doc.refuse(entries["prefix"][1], f"ticket prefix '{prefix}' does not make a ticket (e.g. 'PKM-' → PKM-12)")
        spec["prefix"] = prefix
    if "date_format" in entries:
        spec["date_format"] = _date_format(doc, entries["date_format"][1], name, kind)
    if "map" in entries:
        spec["map"] = _map(doc, entries["map"][1], event, name, kind)
    return FieldSpec(name, kind, required, **spec)


def _date_format(doc: Doc, node: yaml.Node, name: str, kind: str) -> str | None:
    fmt = text(doc, node, f"fields.{name}.date_format")
    if fmt is None:
        return None
    if kind not in ("datetime", "date"):
        doc.refuse(node, f"fields.{name}: date_format needs a date or time field, '{name}' is {kind}")
        return None
    try:
        ok = "%" in fmt and datetime.strptime(SAMPLE.strftime(fmt), fmt) is not None
    except ValueError:
        ok = False
    if not ok:
        doc.refuse(node, f"fields.{name}: '{fmt}' is not a date format (e.g. '%d/%m/%Y %H:%M')")
        return None
    return fmt


def _map(doc: Doc, node: yaml.Node, event: type[Event], name: str, kind: str) -> dict[str, Any] | None:
    entries = items(doc, node, f"fields.{name}.map")
    if entries is None:
        return None
    out = {}
    for code, (_, value) in entries.items():
        checked = check_value(doc, value, event, name, kind, f"fields.{name}.map['{code}']")
        if checked is not None:
            out[code.strip()] = checked
    return out
