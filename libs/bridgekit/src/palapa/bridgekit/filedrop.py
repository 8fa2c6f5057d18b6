"""The file-drop adapter: a watched folder where a legacy app leaves export files.

- A file is new or changed when its (size, mtime) differs from the last one taken; the content digest
  (BLAKE2b) confirms it: a file touched or copied again with the same bytes is not read again.
- A file still being written is never read half-way. Convention: a file is ready when a marker
  `<name>.done` sits next to it (write `x.csv`, then create `x.csv.done`), or else when its size and
  mtime were the same at two looks at least `settle_seconds` apart. Names starting with '.' or ending
  in `.part`/`.tmp` are never taken (write there, then rename).
- Files are taken oldest first (mtime, then name). The position (`FilePosition`: which file, its digest,
  how many bytes/lines of it are ingested, whether it is done) is stored in the bridge's checkpoint, so a restart
  resumes inside a half-read file (when its digest is unchanged) or goes on with the next file.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, String

IGNORED_SUFFIXES = (".part", ".tmp", ".done")


@dataclass(frozen=True)
class FilePosition:
    """filedrop's position: the file being (or last) ingested, its name, size, mtime and digest; `offset`/`line`
    ingested so far."""

    name: str | None = None
    size: int = 0
    mtime_ns: int = 0
    digest: str = ""
    offset: int = 0
    line: int = 0
    done: bool = False

    @property
    def order(self) -> tuple[int, str]:
        return (self.mtime_ns, self.name or "")

    def read_to(self, offset: int, line: int, done: bool = False) -> FilePosition:
        return replace(self, offset=offset, line=line, done=done)


@dataclass(frozen=True)
class DropFile:
    """A ready file to read from `start` (a FilePosition of this very file)."""

    path: Path
    start: FilePosition
    unchanged: bool = False  # same bytes as the last file taken: nothing to read, only the position moves


@dataclass(frozen=True)
class Chunk:
    """Consecutive lines: `first_line` is the 1-based number of lines[0]; the position after them."""

    lines: list[bytes]
    first_line: int
    end_offset: int
    end_line: int


def position_columns() -> list[Column]:
    """The checkpoint's columns for a FilePosition."""
    return [
        Column("position_name", String(255), nullable=True),
        Column("position_size", BigInteger, nullable=False),
        Column("position_mtime_ns", BigInteger, nullable=False),
        Column("position_digest", String(64), nullable=False),
        Column("position_offset", BigInteger, nullable=False),
        Column("position_line", BigInteger, nullable=False),
        Column("position_done", Boolean, nullable=False),
    ]


def encode(p: FilePosition) -> dict[str, Any]:
    return {"position_name": p.name, "position_size": p.size, "position_mtime_ns": p.mtime_ns,
            "position_digest": p.digest, "position_offset": p.offset, "position_line": p.line, "position_done": p.done}


def decode(row: Mapping[str, Any]) -> FilePosition:
    return FilePosition(row["position_name"], row["position_size"], row["position_mtime_ns"],
                        row["position_digest"], row["position_offset"], row["position_line"], row["position_done"])


def digest_of(path: Path, block: int = 1 << 20) -> str:
    """The file's BLAKE2b-128 digest (hex), read in blocks."""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as f:
        while data := f.read(block):
            h.update(data)
    return h.hexdigest()


class FileDrop:
    """Looks at `folder` for files matching `pattern`; `look(position)` says which file to read next, if any."""

    def __init__(self, folder: Path, pattern: str = "*.csv", settle_seconds: float = 1.0,
                 clock=time.monotonic) -> None:
        self.folder = Path(folder)
        self.pattern = pattern
        self.settle_seconds = settle_seconds
        self.clock = clock
        self._seen: dict[str, tuple[int, int, float]] = {}  # name -> (size, mtime_ns, first look with them)

    def _candidates(self) -> list[tuple[Path, int, int]]:
        found = []
        for path in self.folder.glob(self.pattern):
            if path.name.startswith(".") or path.name.endswith(IGNORED_SUFFIXES):
                continue
            try:
                st = path.stat()
            except FileNotFoundError:  # renamed away between the listing and the look
                continue
            if path.is_file():
                found.append((path, st.st_size, st.st_mtime_ns))
        found.sort(key=lambda f: (f[2], f[0].name))
        return found

    def _ready(self, path: Path, size: int, mtime_ns: int, now: float) -> bool:
        if path.with_name(path.name + ".done").exists():
            return True
        seen = self._seen.get(path.name)
        if seen is None or seen[:2] != (size, mtime_ns):
            self._seen[path.name] = (size, mtime_ns, now)
            return False
        return now - seen[2] >= self.settle_seconds

    def look(self, position: FilePosition) -> DropFile | None:
        """The file to read next: the unfinished one (same digest: resume), else the oldest ready newer one."""
        now = self.clock()
        files = self._candidates()
        self._seen = {k: v for k, v in self._seen.items() if any(p.name == k for p, _, _ in files)}
        for path, size, mtime_ns in files:
            same_file = path.name == position.name
            if not same_file and (mtime_ns, path.name) <= position.order:
                continue  # older than the position: taken before (or skipped for a newer one)
            if same_file and (size, mtime_ns) == (position.size, position.mtime_ns):
                if position.done:
                    continue
                return DropFile(path, position)  # resume where the last run stopped
            if not self._ready(path, size, mtime_ns, now):
                return None  # keep the order: an older file still being written holds back the newer ones
            digest = digest_of(path)
            start = FilePosition(path.name, size, mtime_ns, digest)
            if digest == position.digest:
                if not position.done and same_file:
                    return DropFile(path, replace(start, offset=position.offset, line=position.line))
                return DropFile(path, replace(start, done=True), unchanged=True)
            return DropFile(path, start)
        return None


def read_chunks(path: Path, start: FilePosition, max_lines: int) -> Iterator[Chunk]:
    """The file's lines from `start.offset` in chunks of at most `max_lines` (line ends kept off; never the whole
    file)."""
    offset, line = start.offset, start.line
    with open(path, "rb", buffering=1 << 20) as f:
        f.seek(offset)
        lines: list[bytes] = []
        first = line + 1
        for raw in f:
            offset += len(raw)
            line += 1
            lines.append(raw.rstrip(b"\r\n"))
            if len(lines) >= max_lines:
                yield Chunk(lines, first, offset, line)
                lines, first = [], line + 1
        if lines:
            yield Chunk(lines, first, offset, line)
