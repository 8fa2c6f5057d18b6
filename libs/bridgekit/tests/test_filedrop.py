"""The file-drop adapter: readiness, change detection by size+mtime confirmed by digest, resume inside a file."""

from __future__ import annotations

import os
from pathlib import Path

from palapa.bridgekit.filedrop import FileDrop, FilePosition, decode, encode, read_chunks


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def write(folder: Path, name: str, text: str, mtime: int) -> Path:
    path = folder / name
    path.write_text(text, encoding="latin-1")
    os.utime(path, ns=(mtime * 10**9, mtime * 10**9))
    return path


def test_a_file_is_taken_only_once_its_size_stayed_the_same_over_two_looks(tmp_path):
    clock = Clock()
    drop = FileDrop(tmp_path, settle_seconds=1.0, clock=clock)
    write(tmp_path, "a.csv", "x\n", 100)
    assert drop.look(FilePosition()) is None  # first look: maybe still being written
    clock.now = 0.5
    assert drop.look(FilePosition()) is None
    write(tmp_path, "a.csv", "x\ny\n", 101)  # it grew: wait again
    clock.now = 1.6
    assert drop.look(FilePosition()) is None
    clock.now = 2.7
    found = drop.look(FilePosition())
    assert found is not None and found.path.name == "a.csv" and found.start.offset == 0 and not found.unchanged


def test_a_done_marker_makes_a_file_ready_at_once_and_temporary_names_are_ignored(tmp_path):
    drop = FileDrop(tmp_path, settle_seconds=60, clock=Clock())
    write(tmp_path, "b.csv.part", "half", 50)
    write(tmp_path, ".hidden.csv", "half", 50)
    write(tmp_path, "b.csv", "whole\n", 100)
    (tmp_path / "b.csv.done").touch()
    found = drop.look(FilePosition())
    assert found is not None and found.path.name == "b.csv"


def test_a_file_already_ingested_is_not_taken_again_and_a_touched_copy_is_recognised_by_its_digest(tmp_path):
    drop = FileDrop(tmp_path, settle_seconds=0, clock=Clock())
    path = write(tmp_path, "a.csv", "x\n", 100)
    (tmp_path / "a.csv.done").touch()
    first = drop.look(FilePosition())
    done = first.start.read_to(path.stat().st_size, 1, done=True)
    assert drop.look(done) is None  # same size and mtime: not even digested
    os.utime(path, ns=(200 * 10**9, 200 * 10**9))  # touched: same bytes
    touched = drop.look(done)
    assert touched is not None and touched.unchanged and touched.start.done
    write(tmp_path, "b.csv", "x\n", 300)  # another name, same bytes
    (tmp_path / "b.csv.done").touch()
    copy = drop.look(touched.start)
    assert copy.path.name == "b.csv" and copy.unchanged


def test_files_are_taken_oldest_first_and_a_changed_file_is_read_from_the_start(tmp_path):
    drop = FileDrop(tmp_path, settle_seconds=0, clock=Clock())
    for name, mtime in (("new.csv", 200), ("old.csv", 100)):
        write(tmp_path, name, f"{name}\n", mtime)
        (tmp_path / f"{name}.done").touch()
    first = drop.look(FilePosition())
    assert first.path.name == "old.csv"
    second = drop.look(first.start.read_to(8, 1, done=True))
    assert second.path.name == "new.csv"
    write(tmp_path, "new.csv", "new.csv\nmore\n", 300)
    again = drop.look(second.start.read_to(8, 1, done=True))
    assert again.path.name == "new.csv" and again.start.offset == 0 and not again.unchanged


def test_an_unfinished_file_is_resumed_where_the_position_stopped(tmp_path):
    drop = FileDrop(tmp_path, settle_seconds=0, clock=Clock())
    path = write(tmp_path, "a.csv", "l1\nl2\nl3\nl4\nl5", 100)
    (tmp_path / "a.csv.done").touch()
    start = drop.look(FilePosition()).start
    chunks = list(read_chunks(path, start, max_lines=2))
    assert [c.lines for c in chunks] == [[b"l1", b"l2"], [b"l3", b"l4"], [b"l5"]]
    assert [c.first_line for c in chunks] == [1, 3, 5]
    halfway = start.read_to(chunks[0].end_offset, chunks[0].end_line)
    stored = decode(encode(halfway))  # as the checkpoint keeps it across a restart
    resumed = FileDrop(tmp_path, settle_seconds=0, clock=Clock()).look(stored)
    assert resumed.start.line == 2
    rest = list(read_chunks(path, resumed.start, max_lines=10))
    assert (rest[0].lines == [b"l3", b"l4", b"l5"] and rest[0].first_line == 3
            and rest[0].end_offset == path.stat().st_size)


def test_a_half_read_file_replaced_by_other_bytes_is_read_again_from_its_start(tmp_path):
    drop = FileDrop(tmp_path, settle_seconds=0, clock=Clock())
    write(tmp_path, "a.csv", "l1\nl2\n", 100)
    (tmp_path / "a.csv.done").touch()
    halfway = drop.look(FilePosition()).start.read_to(3, 1)
    write(tmp_path, "a.csv", "k1\nk2\nk3\n", 150)
    again = drop.look(halfway)
    assert again.start.offset == 0 and again.start.line == 0 and again.start.digest != halfway.digest
