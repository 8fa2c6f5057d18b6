"""Pure translation of a legacy tb_pengaduan row into contract events, or a quarantine with the reason.

No I/O: tested on recorded legacy rows (tests/unit/curhat_rows.json).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, tzinfo

from palapa.contracts.events import ComplaintStatus, ComplaintStatusChanged, ComplaintSubmitted, Event

APP_ID = "curhat-ning-ita"

# The app's codes and the words older screens wrote (compared trimmed, lower-case, single-spaced).
STATUS_CODES: dict[str, ComplaintStatus] = {
    "0": ComplaintStatus.RECEIVED,
    "baru": ComplaintStatus.RECEIVED,
    "1": ComplaintStatus.VERIFIED,
    "verifikasi": ComplaintStatus.VERIFIED,
    "diverifikasi": ComplaintStatus.VERIFIED,
    "2": ComplaintStatus.IN_PROGRESS,
    "proses": ComplaintStatus.IN_PROGRESS,
    "diproses": ComplaintStatus.IN_PROGRESS,
    "tindak lanjut": ComplaintStatus.IN_PROGRESS,
    "3": ComplaintStatus.RESOLVED,
    "selesai": ComplaintStatus.RESOLVED,
    "9": ComplaintStatus.REJECTED,
    "tolak": ComplaintStatus.REJECTED,
    "ditolak": ComplaintStatus.REJECTED,
}
# tgl_lapor formats the app's screens wrote over the years
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y",
)
BLANK = {"", "-"}
# words kept upper-case when a category is title-cased ('pju' → 'PJU', not 'Pju')
ACRONYMS = {"PJU", "PDAM", "KTP", "KK", "RT", "RW", "TPS", "BPJS", "PBB", "SD", "SMP", "SMA", "RSUD", "DBD", "IMB"}


@dataclass(frozen=True)
class LegacyRow:
    """One tb_pengaduan row exactly as the legacy database holds it."""

    id_pengaduan: int
    nik: str | None
    nama_pelapor: str | None
    no_hp: str | None
    isi_laporan: str | None
    kategori: str | None
    lokasi: str | None
    status: str
    tgl_lapor: str | None
    tgl_update: datetime  # naive local time

    @property
    def key(self) -> tuple[datetime, int]:
        return self.tgl_update, self.id_pengaduan

    def as_strings(self) -> dict[str, str | None]:
        """The row with every value as text (None stays None), for a quarantine record."""
        return {k: None if v is None else (v.isoformat(sep=" ") if isinstance(v, datetime) else str(v))
                for k, v in asdict(self).items()}


@dataclass(frozen=True)
class LastState:
    """What the bridge last emitted for a source row: its status (None if only ever quarantined)."""

    status: ComplaintStatus | None
    fingerprint: str


@dataclass(frozen=True)
class Quarantine:
    """The row cannot be translated; `reason` says precisely why."""

    reason: str


def ticket(id_pengaduan: int) -> str:
    return f"CURHAT-{id_pengaduan}"


def fingerprint(row: LegacyRow) -> str:
    """A digest of every column: a re-read row with the same digest has not changed."""
    return hashlib.sha256(json.dumps(row.as_strings(), sort_keys=True).encode()).hexdigest()


def canonical_status(code: str | None) -> ComplaintStatus | None:
    """The canonical status of a legacy code, case- and whitespace-insensitively; None when unknown."""
    if code is None:
        return None
    return STATUS_CODES.get(" ".join(code.split()).lower())


def mask_nik(nik: str | None) -> str | None:
    """'3576 0123 4567 0002' → '3576********0002'; None unless 16 digits remain without spaces."""
    if nik is None:
        return None
    digits = "".join(nik.split())
    if len(digits) != 16 or not digits.isdigit():
        return None
    return f"{digits[:4]}{'*' * 8}{digits[-4:]}"


def clean_name(name: str | None) -> str | None:
    """The reporter's name trimmed; blank or '-' → None."""
    if name is None:
        return None
    name = " ".join(name.split())
    return None if name in BLANK else name


def normalise_category(kategori: str | None) -> str | None:
    """'jalan rusak ' → 'Jalan Rusak', 'pju' → 'PJU'; blank or '-' → None."""
    if kategori is None:
        return None
    words = kategori.split()
    if not words or words == ["-"]:
        return None
    return " ".join(w.upper() if w.upper() in ACRONYMS else w.capitalize() for w in words)


def parse_report_date(tgl_lapor: str | None, tgl_update: datetime, tz: tzinfo) -> datetime | None:
    """tgl_lapor (mixed formats, local time) as aware UTC; tgl_update when blank; None when unparseable."""
    text = " ".join((tgl_lapor or "").split())
    if text in BLANK:
        return as_utc(tgl_update, tz)
    for fmt in DATE_FORMATS:
        try:
            return as_utc(datetime.strptime(text, fmt), tz)
        except ValueError:
            continue
    return None


def as_utc(local: datetime, tz: tzinfo) -> datetime:
    """A naive legacy local time as an aware UTC time."""
    return local.replace(tzinfo=tz).astimezone(UTC)


def translate(row: LegacyRow, last: LastState | None, tz: tzinfo, app_id: str = APP_ID) -> list[Event] | Quarantine:
    """Events for a row not seen in this form before: ComplaintSubmitted on first sight, then status changes."""
    status = canonical_status(row.status)
    if status is None:
        return Quarantine(f"unknown_status: status {row.status!r} is not a Curhat Ning Ita code")
    if last is not None and last.status is not None:
        if status == last.status:
            return []  # another column changed: nothing the platform tracks
        return [
            ComplaintStatusChanged(
                ticket=ticket(row.id_pengaduan), source_app=app_id, source_ref=str(row.id_pengaduan),
                status=status, legacy_status=row.status, changed_at=as_utc(row.tgl_update, tz),
            )
        ]
    description = (row.isi_laporan or "").strip()
    if not description:
        return Quarantine("blank_isi_laporan: isi_laporan is empty, a complaint needs a description")
    submitted_at = parse_report_date(row.tgl_lapor, row.tgl_update, tz)
    if submitted_at is None:
        return Quarantine(f"unparseable_tgl_lapor: {row.tgl_lapor!r} matches no known date format")
    return [
        ComplaintSubmitted(
            ticket=ticket(row.id_pengaduan), source_app=app_id, source_ref=str(row.id_pengaduan),
            category=normalise_category(row.kategori), description=description,
            reporter_name=clean_name(row.nama_pelapor), reporter_nik_masked=mask_nik(row.nik),
            status=status, legacy_status=row.status, submitted_at=submitted_at,
        )
    ]
