"""The `source:` part of a mapping: one SQL table (timestamp + id columns) or one JSON endpoint.

    source: {table: antrian_pasien, database_url: "${PUSKESMAS_DATABASE_URL}", id_column: id_antrian,
             timestamp_column: tgl_update, timezone: Asia/Jakarta}
    source: {url: "${ANTRIAN_API}/antrian", items: data, id_field: id, timestamp_field: updated_at,
             timestamp_format: "%Y-%m-%d %H:%M:%S", next: next_cursor, more: has_more, cursor_param: cursor}

A JSON endpoint without `next` is read whole at every poll (a small list, e.g. today's queue); rows that
did not change are skipped by their fingerprint. With `next`, the body's value at that path is the cursor the
next request sends as `cursor_param` (the kit's restpoll adapter), `more` says whether another page waits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from palapa.kit.clock import zone
from palapa.kit.db import async_url

from .yamlnodes import Doc, items, text

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*$")  # a key path in a JSON body
ENV_REF = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")
TABLE_KEYS = {"table", "database_url", "id_column", "timestamp_column", "timezone"}
JSON_KEYS = {
    "url",
    "items",
    "id_field",
    "timestamp_field",
    "timestamp_format",
    "next",
    "more",
    "cursor_param",
    "timezone",
}


@dataclass(frozen=True)
class TableSource:
    table: str
    database_url: str
    id_column: str
    timestamp_column: str
    timezone: str = "Asia/Jakarta"


@dataclass(frozen=True)
class JsonSource:
    url: str
    id_field: str
    items: str | None = None  # path to the list in the body; None: the body is the list
    timestamp_field: str | None = None  # the item's change time; None: the time it was read
    timestamp_format: str | None = None  # None: ISO 8601
    next: str | None = None
    more: str | None = None
    cursor_param: str = "cursor"
    timezone: str = "Asia/Jakarta"

    @property
    def timestamp_column(self) -> str:  # what a quarantine reason names
        return self.timestamp_field or "read_at"


def read_source(doc: Doc, node: yaml.Node, env) -> TableSource | JsonSource | None:
    entries = items(doc, node, "source")
    if entries is None:
        return None
    is_json = "url" in entries
    known = JSON_KEYS if is_json else TABLE_KEYS
    for name, (key, _) in entries.items():
        if name not in known:
            doc.refuse(key, f"unknown source setting '{name}' for a {'JSON endpoint' if is_json else 'table'} "
                            f"(known: {', '.join(sorted(known))})")
    required = ("url", "id_field") if is_json else ("table", "database_url", "id_column", "timestamp_column")
    got: dict[str, str] = {}
    for name in sorted(n for n in known if n in entries or n in required):
        if name not in entries:
            doc.refuse(node, f"source: '{name}' is missing")
            continue
        value_node = entries[name][1]
        value = text(doc, value_node, f"source.{name}")
        if value is None:
            continue
        if name == "timezone":
            try:
                zone(value)
            except ValueError:
                doc.refuse(value_node, f"unknown time zone '{value}'")
                continue
        elif name in ("database_url", "url"):
            before = len(doc.problems)
            value = _expand(doc, value_node, value, env)
            if len(doc.problems) > before:
                continue
            if name == "url" and (urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc):
                doc.refuse(value_node, "source.url must be an http(s) address")
                continue
            if name == "database_url":
                try:
                    value = async_url(value)
                except ValueError as exc:  # the message quotes the URL: say only what is wrong with it
                    doc.refuse(value_node, f"source.database_url: {str(exc).split(':')[0]}")
                    continue
        elif name == "timestamp_format":
            if "%" not in value or not _format_ok(value):
                doc.refuse(
                    value_node, f"source.timestamp_format '{value}' is not a date format (e.g. '%Y-%m-%d %H:%M:%S')"
                )
                continue
        elif name == "cursor_param" or not is_json:
            if not IDENTIFIER.fullmatch(value):
                doc.refuse(value_node, f"source.{name} '{value}' is not a plain SQL name (letters, digits, _)")
                continue
        elif not PATH.fullmatch(value):
            doc.refuse(value_node, f"source.{name} '{value}' is not a key path (e.g. data or result.items)")
            continue
        got[name] = value
    if any(n not in got for n in required):
        return None
    return JsonSource(**got) if is_json else TableSource(**got)


def _format_ok(fmt: str) -> bool:
    sample = datetime(2026, 11, 26, 8, 5, 9)
    try:
        return datetime.strptime(sample.strftime(fmt), fmt) is not None
    except ValueError:
        return False


def _expand(doc: Doc, node: yaml.Node, value: str, env) -> str:
    """${NAME} from the environment, or from the file NAME_FILE names (a Docker secret): secrets and addresses
    stay out of the file."""
    def one(m: re.Match) -> str:
        name = m.group(1)
        if name not in env and f"{name}_FILE" in env:
            try:
                return Path(env[f"{name}_FILE"]).read_text(encoding="utf-8").rstrip("\r\n")
            except OSError as exc:
                doc.refuse(node, f"{name}_FILE: cannot read {env[f'{name}_FILE']} ({exc.strerror})")
                return ""
        if name not in env:
            doc.refuse(node, f"environment variable {name} is not set")
            return ""
        return env[name]

    return ENV_REF.sub(one, value)
