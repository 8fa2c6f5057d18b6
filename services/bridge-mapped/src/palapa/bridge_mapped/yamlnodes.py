"""Reading a YAML document as nodes that remember their line, so every complaint can name file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

FILE_MAX_BYTES = 256 * 1024  # a mapping is a page of text; anything larger is a mistake


@dataclass(frozen=True)
class Problem:
    """One reason a mapping file is refused, at a line (1-based) of that file."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class MappingError(ValueError):
    """A mapping file refused; `problems` lists every reason found, each with its file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line))  # as the reader meets them
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Doc:
    """The problems found so far in one file; `at(node)` is a node's line."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def refuse(self, node: yaml.Node | None, reason: str) -> None:
        self.problems.append(Problem(self.file, line(node), reason))


def line(node: yaml.Node | None) -> int:
    return 1 if node is None else node.start_mark.line + 1


def compose(path: Path) -> tuple[Doc, yaml.Node | None]:
    """The file's root node (None when unreadable, with the problem recorded)."""
    doc = Doc(str(path))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        doc.refuse(None, f"cannot read the file: {exc.strerror or exc}")
        return doc, None
    if len(raw) > FILE_MAX_BYTES:
        doc.refuse(None, f"file too large ({len(raw):,} bytes, at most {FILE_MAX_BYTES:,})")
        return doc, None
    try:
        root = yaml.compose(raw.decode("utf-8"), Loader=yaml.SafeLoader)
    except UnicodeDecodeError as exc:
        doc.refuse(None, f"not UTF-8 text (byte {exc.start})")
        return doc, None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = mark.line + 1 if mark else 1
        doc.problems.append(Problem(str(path), where, f"YAML syntax error: {exc.problem or exc.context}"))
        return doc, None
    except yaml.YAMLError as exc:
        doc.refuse(None, f"YAML error: {exc}")
        return doc, None
    if root is None:
        doc.refuse(None, "empty file")
    return doc, root


def items(doc: Doc, node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
    """A mapping node's entries by key text (key node, value node); None (refused) when it is no mapping."""
    if not isinstance(node, yaml.MappingNode):
        doc.refuse(node, f"{what} must be a mapping (key: value lines)")
        return None
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            doc.refuse(key, f"{what}: a key must be plain text")
            continue
        if key.value in out:
            doc.refuse(key, f"{what}: '{key.value}' is given twice")
            continue
        out[key.value] = (key, value)  # the key as written: '0', 'NO' and 'on' stay text
    return out


def scalar(node: yaml.Node):
    """The value of a scalar node as YAML types it (int, float, bool, None, str)."""
    return yaml.SafeLoader("").construct_object(node, deep=True)


def text(doc: Doc, node: yaml.Node, what: str) -> str | None:
    """A scalar written as text (quoted or not); None (refused) otherwise."""
    if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null" or scalar(node) is None:
        doc.refuse(node, f"{what} must be a text value")
        return None
    return node.value
