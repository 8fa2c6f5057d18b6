"""An operator's CustomResourceDefinition → the JSON schema files kubernetes-validate's own layout uses.

kubernetes-validate looks a resource's schema up as `<kind>-<group's first label>-<version>.json` (e.g.
`kafka-kafka-v1.json`) in its bundled folders and knows no CRD. The tests validate operator resources the same
way (jsonschema, Draft 2020-12) against these files, made from the CRD's `openAPIV3Schema` the way the API server
reads it: `nullable` admits null, `x-kubernetes-int-or-string` admits both, and every object that does not keep
unknown fields refuses them (the API server would drop them silently: a typo must fail here instead).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml


def schema_files(crd: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """File name → JSON schema, one per served version of the CRD."""
    spec = crd["spec"]
    group, kind = spec["group"], spec["names"]["kind"]
    out = {}
    for version in spec["versions"]:
        if not version.get("served", True):
            continue
        schema = strict(version["schema"]["openAPIV3Schema"])
        props = schema.setdefault("properties", {})
        props["apiVersion"] = {"type": "string", "enum": [f"{group}/{version['name']}"]}
        props["kind"] = {"type": "string", "enum": [kind]}
        props["metadata"] = {"type": "object"}  # the API server's ObjectMeta; core schemas check it elsewhere
        schema["required"] = sorted({*schema.get("required", ()), "apiVersion", "kind", "metadata"})
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        out[f"{kind.lower()}-{group.split('.')[0]}-{version['name']}.json"] = schema
    return out


def strict(node: Any) -> Any:
    """The OpenAPI v3 structural schema as JSON schema (recursively; see the module's docstring)."""
    if isinstance(node, list):
        return [strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: strict(v) for k, v in node.items() if not k.startswith("x-kubernetes-") and k != "nullable"}
    if node.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    keeps_unknown = node.get("x-kubernetes-preserve-unknown-fields")
    closed = "properties" in node and "additionalProperties" not in node
    if node.get("type") == "object" and closed and not keeps_unknown:
        out["additionalProperties"] = False
    return out


def write(crd_yaml: Path, folder: Path) -> list[Path]:
    """Write the schema files of every CRD in `crd_yaml` into `folder`; returns their paths."""
    written = []
    for crd in yaml.safe_load_all(crd_yaml.read_text()):
        if not crd or crd.get("kind") != "CustomResourceDefinition":
            continue
        for name, schema in schema_files(crd).items():
            path = folder / name
            path.write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
            written.append(path)
    return written
