"""JSON Schema export of every event, and the backward-compatibility rules checked against it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .events import ALL_EVENTS, Event


def schema_of(event: type[Event]) -> dict[str, Any]:
    schema = event.model_json_schema(mode="serialization")
    schema["$id"] = f"urn:palapa:event:{event.event_type}"
    schema["x-event-type"] = event.event_type
    return schema


def export(folder: Path) -> list[Path]:
    """Write one `<event_type>.json` per event into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for event in ALL_EVENTS:
        path = folder / f"{event.event_type}.json"
        path.write_text(json.dumps(schema_of(event), indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        written.append(path)
    return written


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = root.get("$defs", {}).get(name, {})
    return node


def _types(node: dict[str, Any], root: dict[str, Any]) -> set[str]:
    """The set of JSON types (with enum values and formats) a node admits, for narrowing checks."""
    node = _resolve(node, root)
    variants = node.get("anyOf") or node.get("oneOf")
    if variants:
        return set().union(*(_types(v, root) for v in variants))
    if "enum" in node:
        return {f"enum:{v}" for v in node["enum"]}
    if "const" in node:
        return {f"enum:{node['const']}"}
    kind = node.get("type", "any")
    kinds = kind if isinstance(kind, list) else [kind]
    if "format" in node:
        return {f"{k}:{node['format']}" for k in kinds}
    return set(kinds)


def _admits(new: set[str], old: set[str]) -> bool:
    if "any" in new:
        return True
    for t in old:
        base = t.split(":", 1)[0]
        if t in new or base in new:
            continue
        if base == "integer" and "number" in new:
            continue
        return False
    return True


def breaking_changes(old: dict[str, Any], new: dict[str, Any], path: str = "") -> list[str]:
    """Reasons why data valid under the committed schema `old` would not be read under `new`."""
    problems: list[str] = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name, old_node in old_props.items():
        where = f"{path}{name}"
        if name not in new_props:
            problems.append(f"field removed: {where}")
            continue
        old_t, new_t = _types(old_node, old), _types(new_props[name], new)
        if not _admits(new_t, old_t):
            problems.append(f"type narrowed: {where}: {sorted(old_t)} -> {sorted(new_t)}")
        o, n = _resolve(old_node, old), _resolve(new_props[name], new)
        if "properties" in o and "properties" in n:
            problems += breaking_changes(
                {**o, "$defs": old.get("$defs", {})}, {**n, "$defs": new.get("$defs", {})}, where + "."
            )
        if o.get("type") == "array" and n.get("type") == "array":
            oi, ni = _resolve(o.get("items", {}), old), _resolve(n.get("items", {}), new)
            if "properties" in oi and "properties" in ni:
                problems += breaking_changes(
                    {**oi, "$defs": old.get("$defs", {})}, {**ni, "$defs": new.get("$defs", {})}, where + "[]."
                )
    for name in sorted(set(new.get("required", [])) - set(old.get("required", []))):
        problems.append(f"new required field: {path}{name}")
    return problems


def main() -> None:
    """`python -m palapa.contracts.schemas [folder]`: regenerate the committed schemas."""
    import sys

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[3] / "schemas"
    for path in export(folder):
        print(path)


if __name__ == "__main__":
    main()
