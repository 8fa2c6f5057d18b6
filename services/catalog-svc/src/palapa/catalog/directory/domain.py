"""The citizens' directory: the services a citizen can get done, read from the city's data file (pure).

A service belongs to an app (OPD → app → service) and says what it needs: requirements, fee (rupiah, 0 is free,
unknown when it depends on the case), expected working days, and where it is served.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from ..registry.domain import AUDIENCES
from .synonyms import InvalidSynonymsError, SynonymGroup, words

SERVICE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
MAX_ROWS = 20_000
MAX_TEXT = 2_000
MAX_REQUIREMENTS = 30
MAX_DAYS = 365
MAX_FEE = 10**12
#: The data file's columns (headers matched ignoring case and spaces); requirements are separated by "|".
COLUMNS = ("ID Layanan", "Nama Layanan", "ID Aplikasi", "Nama Aplikasi", "OPD", "Bidang", "Sasaran", "Persyaratan",
           "Biaya", "Hari Kerja", "Alamat URL", "Kata Kunci", "Keterangan")
_AUDIENCE = {"warga": "warga", "masyarakat": "warga", "pegawai": "pegawai", "internal pemerintah": "pegawai"}


class DirectoryFileError(ValueError):
    """A file that is not a directory file at all (no header, not text): nothing is imported."""


@dataclass(frozen=True)
class Service:
    service_id: str
    name: str
    app_id: str
    app_name: str
    opd: str
    field: str
    audience: str
    requirements: tuple[str, ...] = ()
    fee: int | None = 0  # rupiah; None: set case by case ("sesuai ketentuan")
    days: int = 0  # expected working days; 0: done the same day
    url: str | None = None  # the app's own page, for a service served outside the portal
    keywords: str = ""
    description: str = ""

    def search_texts(self) -> tuple[str, str, str]:
        """What the index weighs: (name, keywords with the app's name, everything else)."""
        return (self.name, f"{self.keywords} {self.app_name}",
                " ".join((self.description, " ".join(self.requirements), self.opd, self.field)))

    def lexicon(self) -> set[str]:
        """Words a typo may be corrected to (at least 4 letters, not a number)."""
        text = " ".join((self.name, self.keywords, self.app_name, self.description))
        return {w for w in words(text) if len(w) >= 4 and not w.isdigit() and len(w) <= 40}


@dataclass
class DirectoryFile:
    services: list[Service] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (line, reason in Bahasa Indonesia)


def _key(header: str) -> str:
    return "".join(header.split()).casefold()


def _text(value: str, what: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = " ".join(value.split())
    if required and not value:
        raise ValueError(f"{what} kosong")
    if len(value) > limit:
        raise ValueError(f"{what} lebih dari {limit} karakter")
    if any(ord(ch) < 32 for ch in value):
        raise ValueError(f"{what} berisi karakter kendali")
    return value


def _fee(value: str) -> int | None:
    raw = value.strip().casefold()
    if raw in ("", "sesuai ketentuan", "bervariasi"):
        return None
    if raw in ("0", "gratis", "rp0", "rp 0"):
        return 0
    digits = raw.removeprefix("rp").strip().replace(".", "")
    if not digits.isascii() or not digits.isdigit() or int(digits) > MAX_FEE:
        raise ValueError(f"Biaya {value.strip()[:30]!r} bukan jumlah rupiah")
    return int(digits)


def _days(value: str) -> int:
    raw = value.strip()
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_DAYS:
        raise ValueError(f"Hari Kerja {raw[:30]!r} bukan bilangan 0 sampai {MAX_DAYS}")
    return int(raw)


def _url(value: str) -> str | None:
    raw = value.strip()
    if not raw:
        return None
    if not re.fullmatch(r"https?://[^\s\"'<>]{1,500}", raw):
        raise ValueError(f"Alamat URL {raw[:60]!r} bukan alamat http(s)")
    return raw


def service_of(row: dict[str, str]) -> Service:
    """One service from a row keyed by the normalized headers; ValueError names what is wrong."""
    get = {k: (row.get(_key(c)) or "") for k, c in zip(
        ("id", "name", "app_id", "app_name", "opd", "field", "audience", "req", "fee", "days", "url", "kw", "desc"),
        COLUMNS, strict=True)}
    service_id = get["id"].strip()
    if not SERVICE_ID.fullmatch(service_id):
        raise ValueError(f"ID Layanan {service_id[:40]!r}: huruf kecil, angka dan '-', 2 sampai 64 karakter")
    app_id = get["app_id"].strip()
    if not SERVICE_ID.fullmatch(app_id):
        raise ValueError(f"ID Aplikasi {app_id[:40]!r}: huruf kecil, angka dan '-', 2 sampai 64 karakter")
    audience = _AUDIENCE.get(" ".join(get["audience"].split()).casefold())
    if audience not in AUDIENCES:
        raise ValueError(f"Sasaran {get['audience'].strip()[:30]!r} tidak dikenal "
                         "(Masyarakat atau Internal Pemerintah)")
    requirements = tuple(_text(r, "Persyaratan", limit=300) for r in get["req"].split("|") if r.strip())
    if len(requirements) > MAX_REQUIREMENTS:
        raise ValueError(f"Persyaratan lebih dari {MAX_REQUIREMENTS} butir")
    return Service(
        service_id=service_id, name=_text(get["name"], "Nama Layanan", limit=200), app_id=app_id,
        app_name=_text(get["app_name"], "Nama Aplikasi", limit=200), opd=_text(get["opd"], "OPD", limit=64),
        field=_text(get["field"], "Bidang", limit=64).casefold(), audience=audience, requirements=requirements,
        fee=_fee(get["fee"]), days=_days(get["days"]), url=_url(get["url"]),
        keywords=_text(get["kw"], "Kata Kunci", required=False),
        description=_text(get["desc"], "Keterangan", required=False),
    )


def parse(data: bytes) -> DirectoryFile:
    """Read a directory CSV (UTF-8, `;` or `,`): every readable service, and every refused line with its reason."""
    if b"\x00" in data:
        raise DirectoryFileError("Berkas berisi byte NUL: bukan berkas teks CSV")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DirectoryFileError(f"Berkas bukan UTF-8 (byte {exc.start})") from None
    lines = text.splitlines()
    if not lines:
        raise DirectoryFileError("Berkas kosong")
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    try:
        return _rows(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:  # e.g. a field over the csv module's limit (128 KiB)
        raise DirectoryFileError(f"CSV tidak terbaca: {exc}") from None


def _rows(reader) -> DirectoryFile:
    header = [_key(h) for h in next(reader)]
    missing = [c for c in COLUMNS if _key(c) not in header]
    if missing:
        raise DirectoryFileError(f"Kolom tidak ada: {', '.join(missing)}")
    out, seen = DirectoryFile(), set()
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(out.services) + len(out.refused) >= MAX_ROWS:
            raise DirectoryFileError(f"Berkas lebih dari {MAX_ROWS} baris layanan")
        try:
            service = service_of(dict(zip(header, values, strict=False)))
        except ValueError as exc:
            out.refused.append((line, str(exc)))
            continue
        if service.service_id in seen:
            out.refused.append((line, f"ID Layanan {service.service_id} ganda"))
            continue
        seen.add(service.service_id)
        out.services.append(service)
    return out


def parse_synonyms(data: bytes) -> tuple[list[SynonymGroup], list[tuple[int, str]]]:
    """Read a synonym CSV (`ID Grup;Istilah`, terms separated by "|"): the groups, and refused lines with reasons."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DirectoryFileError(f"Berkas bukan UTF-8 (byte {exc.start})") from None
    if "\x00" in text:
        raise DirectoryFileError("Berkas berisi byte NUL: bukan berkas teks CSV")
    reader = csv.reader(io.StringIO(text), delimiter=";")
    try:
        header = [_key(h) for h in next(reader, [])]
        if header[:2] != ["idgrup", "istilah"]:
            raise DirectoryFileError("Kolom harus: ID Grup;Istilah")
        groups, refused = [], []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            try:
                groups.append(SynonymGroup.of(values[0].strip(), (values[1] if len(values) > 1 else "").split("|")))
            except InvalidSynonymsError as exc:
                refused.append((reader.line_num, str(exc)))
    except csv.Error as exc:
        raise DirectoryFileError(f"CSV tidak terbaca: {exc}") from None
    return groups, refused


def fee_text(fee: int | None) -> str:
    """How a fee reads on the page: "Gratis", "Rp10.000", or "Sesuai ketentuan" when it depends on the case."""
    if fee is None:
        return "Sesuai ketentuan"
    return "Gratis" if fee == 0 else "Rp" + f"{fee:,}".replace(",", ".")


def days_text(days: int) -> str:
    return "Selesai di hari yang sama" if days == 0 else f"{days} hari kerja"


def served_at(bridge: str | None, url: str | None, portal_url: str) -> tuple[str, str | None]:
    """Where a citizen gets the service: in the portal when its app is bridged, else the app's own page."""
    return ("portal", portal_url) if bridge else ("tautan", url)
