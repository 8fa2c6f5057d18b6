"""Read an OPD census form (CSV, or rows from an XLSX sheet) into apps, naming every row it cannot read with its
line and reason (pure)."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..registry.domain import App

#: The census form's columns, in its order (headers are matched ignoring case and spaces).
COLUMNS = ("No", "Nama Aplikasi", "OPD Pengelola", "Alamat URL", "Jenis Aplikasi", "Sasaran Pengguna",
           "Bidang Layanan", "Status", "Keterangan")
KINDS = {"layanan publik": "layanan publik", "administrasi pemerintahan": "administrasi pemerintahan",
         "website profil": "website profil"}
AUDIENCES = {"masyarakat": "warga", "internal pemerintah": "pegawai"}
LIFECYCLES = {"aktif": "aktif", "tidak aktif": "dorman"}
#: The public fields that fold into Wargaku; every other field of an active public app stays as it is for now.
WARGAKU_FIELDS = ("kesehatan", "pendidikan", "kemiskinan", "pengaduan", "perizinan")
MAX_TEXT = 200
MAX_NOTE = 2000
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


class CensusFileError(ValueError):
    """A census file that cannot be read at all (the message says why, in Bahasa Indonesia)."""


@dataclass(frozen=True)
class Refusal:
    """A row the census import did not take: its line in the file and why."""

    line: int
    reason: str


@dataclass
class Census:
    """What a census file held: the apps read, the rows refused, and how the file was written."""

    apps: list[App] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","
    format: str = "csv"


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def app_id(name: str, opd: str) -> str:
    """A stable id from the app's name and OPD: a readable slug and a hash, so a re-import finds the same app."""
    digest = hashlib.sha1(f"{_norm(name)}|{_norm(opd)}".encode()).hexdigest()[:10]
    slug = re.sub(r"[^a-z0-9]+", "-", _norm(name))[:40].strip("-")
    return f"{slug}-{digest}" if slug else f"app-{digest}"


def consolidation(kind: str, audience: str, bidang: str | None, lifecycle: str) -> tuple[str | None, str | None]:
    """(super-app, cluster) an app folds into: public apps of the five fields into Wargaku, staff apps into Kantorku."""
    if lifecycle != "aktif" or kind == "website profil":
        return None, None
    if audience == "pegawai":
        return "kantorku", bidang or "lainnya"
    if bidang in WARGAKU_FIELDS:
        return "wargaku", bidang
    return None, None


def _decode(data: bytes) -> tuple[str, str]:
    """Each line strictly as UTF-8, else as Latin-1 (an OPD's spreadsheet may mix both after copy and paste)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines, used = [], set()
    for raw in data.split(b"\n"):
        try:
            lines.append(raw.decode("utf-8"))
            used.add("utf-8" if not raw.isascii() else "ascii")
        except UnicodeDecodeError:
            lines.append(raw.decode("latin-1"))
            used.add("latin-1")
    used.discard("ascii")
    encoding = "campuran" if len(used) > 1 else (used.pop() if used else "utf-8")
    return "\n".join(lines), encoding


def _header(text: str) -> tuple[str, int]:
    """The delimiter (';' or ','), sniffed from the header line, and the header's line number."""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            delimiter = ";" if line.count(";") > line.count(",") else ","
            return delimiter, number
    raise CensusFileError("Berkas sensus kosong")


def _check_header(cells: list[str]) -> None:
    got = [_norm(c).replace(" ", "") for c in cells]
    while got and not got[-1]:
        got.pop()  # spreadsheets often end a row with empty cells
    want = [_norm(c).replace(" ", "") for c in COLUMNS]
    if got != want:
        raise CensusFileError(
            "Kepala kolom tidak sesuai formulir sensus; seharusnya: " + "; ".join(COLUMNS)
            + " — tertulis: " + "; ".join(c.strip() for c in cells)[:300])


def _one_of(value: str, allowed: dict[str, str], column: str) -> str:
    key = _norm(value)
    if key not in allowed:
        choices = ", ".join(k.title() for k in allowed)
        raise ValueError(f"{column} '{value.strip()[:60]}' tidak dikenal (harus salah satu dari: {choices})")
    return allowed[key]


def _app(cells: list[str]) -> App:
    _no, name, opd, url, jenis, sasaran, bidang, status, note = (c.strip() for c in cells)
    if not name:
        raise ValueError("Nama Aplikasi kosong")
    if not opd:
        raise ValueError("OPD Pengelola kosong")
    if len(name) > MAX_TEXT or len(opd) > MAX_TEXT:
        raise ValueError(f"Nama Aplikasi atau OPD Pengelola lebih dari {MAX_TEXT} karakter")
    if url and (len(url) > MAX_NOTE or not URL.match(url)):
        raise ValueError(f"Alamat URL '{url[:60]}' bukan alamat http(s) yang sah")
    kind = _one_of(jenis, KINDS, "Jenis Aplikasi")
    audience = _one_of(sasaran, AUDIENCES, "Sasaran Pengguna")
    lifecycle = _one_of(status, LIFECYCLES, "Status")
    bidang_key = _norm(bidang) or None
    if bidang_key is None and kind != "website profil":
        raise ValueError("Bidang Layanan kosong")
    if bidang_key is not None and len(bidang_key) > MAX_TEXT:
        raise ValueError(f"Bidang Layanan lebih dari {MAX_TEXT} karakter")
    super_app, cluster = consolidation(kind, audience, bidang_key, lifecycle)
    return App(
        app_id=app_id(name, opd), name=" ".join(name.split()), opd=" ".join(opd.split()), audience=audience,
        channel="web", status="aktif" if lifecycle == "aktif" else "tidak aktif", description=note[:MAX_NOTE],
        kind=kind, field=bidang_key, lifecycle=lifecycle, url=url or None, super_app=super_app, cluster=cluster,
    )


def read_rows(rows: Iterable[tuple[int, list[str]]], census: Census) -> Census:
    """Check the header (the first non-blank row) and read every row after it, refusing bad ones by line."""
    seen: dict[str, int] = {}
    header = False
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if not header:
            _check_header(cells)
            header = True
            continue
        while len(cells) > len(COLUMNS) and not cells[-1].strip():
            cells = cells[:-1]
        if len(cells) != len(COLUMNS):
            census.refused.append(Refusal(line, f"Jumlah kolom {len(cells)}, seharusnya {len(COLUMNS)}"))
            continue
        try:
            app = _app(cells)
        except ValueError as exc:
            census.refused.append(Refusal(line, str(exc)))
            continue
        if app.app_id in seen:
            census.refused.append(Refusal(line, f"Duplikat baris {seen[app.app_id]} (nama dan OPD sama)"))
            continue
        seen[app.app_id] = line
        census.apps.append(app)
    if not header:
        raise CensusFileError("Berkas sensus kosong")
    return census


def parse(data: bytes) -> Census:
    """Every app of a census CSV, and every row refused with its line; CensusFileError when no row can be read."""
    if data.startswith(b"PK\x03\x04"):
        raise CensusFileError("Berkas XLSX bukan CSV; bacalah dengan pembaca XLSX (census/xlsx.py)")
    if b"\x00" in data:
        raise CensusFileError("Berkas berisi karakter NUL: bukan berkas CSV")
    text, encoding = _decode(data)
    delimiter, _ = _header(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def numbered():
        end = 0  # the line the previous record ended on: a quoted cell may span lines
        for cells in reader:
            line, end = end + 1, reader.line_num
            yield line, cells

    try:
        return read_rows(numbered(), Census(encoding=encoding, delimiter=delimiter))
    except csv.Error as exc:
        raise CensusFileError(f"Baris {reader.line_num}: CSV tidak dapat dibaca ({exc})") from exc
