"""A mapping file, read and checked at start: every refusal names the file, the line and the reason.

    app_id: puskesmas-antrian           # the catalog's app id: the events' source, the heartbeat's app
    opd: DINKES
    source: {table: antrian_pasien, database_url: "${PUSKESMAS_DATABASE_URL}", id_column: id_antrian,
             timestamp_column: updated_at, timezone: Asia/Jakarta}
    schedule: {every_seconds: 1, batch_size: 500, lookback_seconds: 2}
    event: QueueTicketCalled            # a contract event, by class name or event type
    key: ticket                         # the event field that keys the record
    status: {column: status_panggil, values: {"0": skip, "1": emit}}
    fields:                             # event field: {column | value, prefix, map, date_format}
      ticket: {column: id_antrian, prefix: PKM-}
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from palapa.bridgekit.sqlpoll import DEFAULT_LOOKBACK_SECONDS
from palapa.contracts.events import ALL_EVENTS, Event

from .fieldspec import FieldSpec, read_fields
from .sourcespec import JsonSource, TableSource, read_source
from .yamlnodes import Doc, MappingError, compose, items, scalar, text

APP_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
TOP_KEYS = {"app_id", "opd", "source", "schedule", "event", "key", "status", "fields", "emit_on", "personal_columns"}
SCHEDULE_KEYS = {"every_seconds", "batch_size", "lookback_seconds"}
ACTIONS = {"emit", "skip"}
EMIT_ON = {"status_change", "every_change"}
EVENTS_BY_NAME: dict[str, type[Event]] = {**{e.__name__: e for e in ALL_EVENTS},
                                          **{e.event_type: e for e in ALL_EVENTS}}


@dataclass(frozen=True)
class Schedule:
    every_seconds: float = 1.0
    batch_size: int = 500
    lookback_seconds: int = DEFAULT_LOOKBACK_SECONDS  # the source's longest transaction + its clocks' skew


@dataclass(frozen=True)
class Status:
    column: str
    actions: dict[str, str]  # the source's status text (trimmed) → emit | skip


@dataclass(frozen=True)
class Mapping:
    file: str
    app_id: str
    opd: str
    source: TableSource | JsonSource
    schedule: Schedule
    event: type[Event]
    key: str
    status: Status
    fields: dict[str, FieldSpec]
    emit_on: str = "status_change"  # emit when the row reaches an emit status; every_change: at every change
    personal_columns: tuple[str, ...] = ()  # hidden in quarantine events and logs (names, record numbers, …)


def load(path: Path, env: dict[str, str] | None = None) -> Mapping:
    """The mapping in `path`, or MappingError with every problem found (file:line: reason)."""
    env = os.environ if env is None else env
    doc, root = compose(path)
    if root is None:
        raise MappingError(doc.problems)
    top = items(doc, root, "the file")
    if top is None:
        raise MappingError(doc.problems)
    for name, (key, _) in top.items():
        if name not in TOP_KEYS:
            doc.refuse(key, f"unknown setting '{name}' (known: {', '.join(sorted(TOP_KEYS))})")
    for name in ("app_id", "opd", "source", "event", "key", "status", "fields"):
        if name not in top:
            doc.refuse(root, f"'{name}' is missing")
    value = {name: node for name, (_, node) in top.items()}
    app_id = text(doc, value["app_id"], "app_id") if "app_id" in value else None
    if app_id is not None and not APP_ID.fullmatch(app_id) or app_id and len(app_id) > 64:
        doc.refuse(value["app_id"],
                   f"app_id '{app_id}' must be lower-case words joined by '-' (e.g. puskesmas-antrian)")
    opd = text(doc, value["opd"], "opd") if "opd" in value else None
    source = read_source(doc, value["source"], env) if "source" in value else None
    schedule = _schedule(doc, value["schedule"]) if "schedule" in value else Schedule()
    event = _event(doc, value["event"]) if "event" in value else None
    status = _status(doc, value["status"]) if "status" in value else None
    emit_on = "status_change"
    if "emit_on" in value:
        emit_on = text(doc, value["emit_on"], "emit_on") or emit_on
        if emit_on not in EMIT_ON:
            doc.refuse(value["emit_on"], f"emit_on must be one of {', '.join(sorted(EMIT_ON))}, not '{emit_on}'")
    personal = _personal(doc, value["personal_columns"]) if "personal_columns" in value else ()
    fields = read_fields(doc, value["fields"], event, status, top["fields"][0]) if "fields" in value and event else {}
    key = text(doc, value["key"], "key") if "key" in value else None
    if key is not None and event is not None:
        if key not in event.model_fields:
            doc.refuse(value["key"], f"key '{key}' is no field of {event.__name__}")
        elif key not in fields and "fields" in value:
            doc.refuse(value["key"], f"key '{key}' is not mapped under fields")
    if doc.problems:
        raise MappingError(doc.problems)
    return Mapping(str(path), app_id, opd, source, schedule, event, key, status, fields, emit_on, personal)


def load_folder(folder: Path, env: dict[str, str] | None = None) -> list[Mapping]:
    """Every *.yaml / *.yml in `folder`, sorted by name; MappingError lists the problems of every bad file."""
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    mappings, problems = [], []
    for path in files:
        try:
            mappings.append(load(path, env))
        except MappingError as exc:
            problems.extend(exc.problems)
    seen: dict[str, str] = {}
    for m in mappings:
        if m.app_id in seen:
            from .yamlnodes import Problem
            problems.append(Problem(m.file, 1, f"app_id '{m.app_id}' is also bridged by {seen[m.app_id]}"))
        seen[m.app_id] = m.file
    if problems:
        raise MappingError(problems)
    return mappings


def _personal(doc: Doc, node: yaml.Node) -> tuple[str, ...]:
    if not isinstance(node, yaml.SequenceNode):
        doc.refuse(node, "personal_columns must be a list of column names, e.g. [nama_pasien, nik]")
        return ()
    names = [text(doc, n, "personal_columns") for n in node.value]
    for n, name in zip(node.value, names, strict=True):
        if name is not None and not IDENTIFIER.fullmatch(name):
            doc.refuse(n, f"personal_columns: '{name}' is not a plain SQL column name")
    return tuple(n for n in names if n)


def _schedule(doc: Doc, node: yaml.Node) -> Schedule:
    entries = items(doc, node, "schedule") or {}
    got = {}
    limits = {"every_seconds": (float, 0.05, 3600), "batch_size": (int, 1, 50_000), "lookback_seconds": (int, 0, 3600)}
    for name, (key, value) in entries.items():
        if name not in SCHEDULE_KEYS:
            doc.refuse(key, f"unknown schedule setting '{name}' (known: {', '.join(sorted(SCHEDULE_KEYS))})")
            continue
        kind, low, high = limits[name]
        v = scalar(value) if isinstance(value, yaml.ScalarNode) else None
        if isinstance(v, bool) or not isinstance(v, int | float) or (kind is int and not isinstance(v, int)):
            shown = getattr(value, "value", "…")
            doc.refuse(value, f"schedule.{name} must be a {'whole ' if kind is int else ''}number, not '{shown}'")
        elif not low <= v <= high:
            doc.refuse(value, f"schedule.{name} must lie between {low} and {high}")
        else:
            got[name] = kind(v)
    return Schedule(**got)


def _event(doc: Doc, node: yaml.Node) -> type[Event] | None:
    name = text(doc, node, "event")
    if name is None:
        return None
    event = EVENTS_BY_NAME.get(name)
    if event is None:
        doc.refuse(node, f"unknown event '{name}' (a contract event's class name, e.g. QueueTicketCalled, or its type)")
    return event


def _status(doc: Doc, node: yaml.Node) -> Status | None:
    entries = items(doc, node, "status")
    if entries is None:
        return None
    for name, (key, _) in entries.items():
        if name not in {"column", "values"}:
            doc.refuse(key, f"unknown status setting '{name}' (known: column, values)")
    column = text(doc, entries["column"][1], "status.column") if "column" in entries else None
    if "column" not in entries:
        doc.refuse(node, "status: 'column' is missing")
    elif column is not None and not IDENTIFIER.fullmatch(column):
        doc.refuse(entries["column"][1], f"status.column '{column}' is not a plain SQL name")
    if "values" not in entries:
        doc.refuse(node, "status: 'values' is missing (each status of the source → emit or skip)")
        return None
    values = items(doc, entries["values"][1], "status.values")
    if values is None:
        return None
    actions = {}
    for code, (key, value) in values.items():
        action = value.value if isinstance(value, yaml.ScalarNode) and scalar(value) is not None else None
        if action not in ACTIONS:
            shown = "nothing" if action is None else f"'{action}'"
            doc.refuse(value if action is not None else key,
                       f"status '{code}' has no mapping: {shown} given, emit or skip expected")
            continue
        actions[code.strip()] = action
    if values and "emit" not in actions.values() and len(actions) == len(values):
        doc.refuse(entries["values"][1], "no status is mapped to emit: the bridge would never send an event")
    return Status(column, actions) if column else None
