"""Pure translation of a legacy tb_pengaduan row into contract events, or a quarantine with the reason.

No I/O: tested on recorded legacy rows (tests/unit/curhat_rows.json).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta, tzinfo

from palapa.bridgekit.protocol import LastState, Quarantine, as_utc
from palapa.bridgekit.protocol import fingerprint as row_fingerprint
from palapa.contracts.events import CaseStatus, ComplaintStatus, ComplaintStatusChangedV2, ComplaintSubmittedV2, Event
from palapa.contracts.identity import Identity
from palapa.contracts.phone import normalise as normalise_phone
from palapa.contracts.phone import phone_hash
from palapa.curhat_legacy.codes import STATUS_CODES

from .privacy import mask_nik, quote

#: seals a reporter for a ticket (main.py makes it with palapa.kit.sealed and the reporter key): no key in here
Seal = Callable[[str, Identity], str | None]

__all__ = ["LastState", "Quarantine", "as_utc", "fingerprint", "translate"]

APP_ID = "curhat-ning-ita"

# What a Curhat code means as a canonical case status: the one table, the legacy app's own (libs/curhat-legacy);
# complaint-svc takes the status the event carries.
S = CaseStatus
# tgl_lapor formats the app's screens wrote over the years
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y",
)
BLANK = {"", "-"}
# Longest values the platform carries (the legacy screens allow less): a status code fits the bridge's
# row_state column, a category and a name are labels shown on one line.
STATUS_CHARS = 20
CATEGORY_CHARS = 100
NAME_CHARS = 200
# room an event's key and CloudEvents headers take next to its JSON (about 300 bytes today)
ENVELOPE_HEADROOM = 4096
# C0 controls but tab, newline and carriage return (PostgreSQL text refuses NUL, and a consumer's
# jsonb refuses \u0000), and lone surrogates, which UTF-8 cannot encode at all
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")
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
                for k, v in ((f.name, getattr(self, f.name)) for f in fields(self))}


@dataclass(frozen=True)
class Limits:
    """What a row must keep to: plausible dates and sizes the platform can carry.

    The poller builds it from its settings, the clock and the kit's RECORD_MAX_BYTES (translate stays
    free of the kit; a unit test checks the default here equals the kit's).
    """

    earliest: date = date(2000, 1, 1)  # legacy local dates before this are implausible
    latest: datetime = datetime(2100, 1, 1, tzinfo=UTC)  # the poller passes now + ahead
    ahead: timedelta = timedelta(days=1)  # how far tgl_lapor may lie after tgl_update
    max_event_bytes: int = 900 * 1024


DEFAULT_LIMITS = Limits()


def ticket(id_pengaduan: int) -> str:
    return f"CURHAT-{id_pengaduan}"


def fingerprint(row: LegacyRow) -> str:
    """A digest of every column: a re-read row with the same digest has not changed."""
    return row_fingerprint(row.as_strings(), "json-ascii")


def canonical_status(code: str | None) -> CaseStatus | None:
    """The canonical status of a legacy code, case- and whitespace-insensitively; None when unknown."""
    if code is None:
        return None
    return STATUS_CODES.get(" ".join(code.split()).lower())


def clean_text(text: str) -> str:
    """Free text without what PostgreSQL or UTF-8 cannot hold.

    A NUL or a stray control character in a complaint is an artefact of the legacy form, not part of
    what the citizen said: it is dropped rather than losing the complaint (the raw row keeps it).
    """
    return SURROGATE.sub("\ufffd", CONTROL.sub("", text))


def clean_name(name: str | None) -> str | None:
    """The reporter's name trimmed; blank or '-' → None."""
    if name is None:
        return None
    name = " ".join(clean_text(name).split())
    return None if name in BLANK else name


def normalise_category(kategori: str | None) -> str | None:
    """'jalan rusak ' → 'Jalan Rusak', 'pju' → 'PJU'; blank or '-' → None."""
    if kategori is None:
        return None
    words = clean_text(kategori).split()
    if not words or words == ["-"]:
        return None
    return " ".join(w.upper() if w.upper() in ACRONYMS else w.capitalize() for w in words)


def reporter_phone_hash(no_hp: str | None, key: bytes) -> str | None:
    """The keyed hash of the number the app recorded, as the gate keys a phone account; None without a key, or
    when no_hp is no Indonesian mobile number (a landline, a typo, '-': nobody can claim the case by it)."""
    number = normalise_phone(no_hp) if key else None
    return phone_hash(number, key) if number else None


def parse_local_date(tgl_lapor: str) -> datetime | None:
    """tgl_lapor (mixed formats) as a naive local time; None when unparseable."""
    text = " ".join(tgl_lapor.split())
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def implausible(local: datetime, tz: tzinfo, limits: Limits) -> str | None:
    """Why a naive local time cannot be a real complaint's, or None."""
    if local.date() < limits.earliest:
        return f"{local.isoformat(sep=' ')} is before {limits.earliest.isoformat()}"
    # an aware comparison subtracts offsets: unlike astimezone it cannot overflow at year 1 or 9999
    if local.replace(tzinfo=tz) > limits.latest:
        return f"{local.isoformat(sep=' ')} is later than {limits.latest.astimezone(tz).isoformat(sep=' ')}"
    return None


def hours(span: timedelta) -> str:
    return f"{span.total_seconds() / 3600:g} h"


def refusal(row: LegacyRow, tz: tzinfo, limits: Limits) -> Quarantine | None:
    """Why a row cannot be carried whatever the bridge emitted before: its id, status or tgl_update."""
    if not 0 < row.id_pengaduan < 2**63:
        return Quarantine(f"invalid_id_pengaduan: {row.id_pengaduan} is not a positive 64-bit id")
    if len(row.status) > STATUS_CHARS:
        return Quarantine(f"oversized_status: {len(row.status):,} characters, a status code has at most {STATUS_CHARS}")
    if (bad := CONTROL.search(row.status) or SURROGATE.search(row.status)) is not None:
        return Quarantine(f"unrepresentable_status: status {quote(row.status)} holds U+{ord(bad.group()):04X}")
    if canonical_status(row.status) is None:
        return Quarantine(f"unknown_status: status {quote(row.status)} is not a Curhat Ning Ita code")
    if (why := implausible(row.tgl_update, tz, limits)) is not None:
        return Quarantine(f"implausible_tgl_update: {why}")
    return None


def submission(row: LegacyRow, status: CaseStatus, tz: tzinfo, app_id: str,
               limits: Limits, phone_key: bytes = b"",
               seal: Seal | None = None) -> ComplaintSubmittedV2 | Quarantine:
    """The ComplaintSubmitted of a row seen first, or why it cannot be one; with `phone_key` (the gate's account
    secret) it carries the keyed hash of no_hp, never the number; with `seal` (under the reporter key) the reporter's
    name and masked NIK sealed for complaint-svc, never in clear (without one: no reporter at all)."""
    description = clean_text(row.isi_laporan or "").strip()
    if not description:
        return Quarantine("blank_isi_laporan: isi_laporan is empty, a complaint needs a description")
    text = " ".join((row.tgl_lapor or "").split())
    local = row.tgl_update if text in BLANK else parse_local_date(text)
    if local is None:
        return Quarantine(f"unparseable_tgl_lapor: {quote(row.tgl_lapor or '')} matches no known date format")
    if (why := implausible(local, tz, limits)) is not None:
        return Quarantine(f"implausible_tgl_lapor: {why}")
    if local - row.tgl_update > limits.ahead:
        return Quarantine(f"implausible_tgl_lapor: {local.isoformat(sep=' ')} is more than {hours(limits.ahead)} "
                          f"after tgl_update {row.tgl_update.isoformat(sep=' ')}")
    for name, value, most in (
        ("kategori", row.kategori, CATEGORY_CHARS),
        ("nama_pelapor", row.nama_pelapor, NAME_CHARS),
    ):
        if value is not None and len(value.strip()) > most:
            return Quarantine(f"oversized_{name}: {len(value.strip()):,} characters, at most {most}")
    the_ticket = ticket(row.id_pengaduan)
    who = Identity(name=clean_name(row.nama_pelapor), nik_masked=mask_nik(row.nik))
    event = ComplaintSubmittedV2(
        ticket=the_ticket, source_app=app_id, source_ref=str(row.id_pengaduan),
        category=normalise_category(row.kategori), description=description,
        reporter_sealed=seal(the_ticket, who) if seal is not None else None,
        reporter_phone_hash=reporter_phone_hash(row.no_hp, phone_key),
        status=ComplaintStatus(status.value),  # v1's set: every first status the table gives is in it
        legacy_status=row.status, submitted_at=as_utc(local, tz),
    )
    # every other field is bounded above: only the complaint text can make the event too large
    size = len(event.model_dump_json().encode()) + ENVELOPE_HEADROOM
    if size > limits.max_event_bytes:
        return Quarantine(f"oversized_isi_laporan: {len(description):,} characters make a {size:,}-byte event, "
                          f"the platform carries at most {limits.max_event_bytes:,} bytes")
    return event


#: What the bridge writes at the end of isi_laporan when it records a portal complaint (writeback.py): the row
#: then answers for the portal's ticket, and its first sight opens no second case.
PORTAL_MARK = re.compile(r"\[Tiket Palapa: ([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)\]\s*$")


def portal_mark(ticket: str) -> str:
    return f"[Tiket Palapa: {ticket}]"


def portal_ticket(row: LegacyRow) -> str | None:
    """The portal ticket a row was written back for, or None for the app's own complaints."""
    match = PORTAL_MARK.search(row.isi_laporan or "")
    return match.group(1) if match else None


def translate(row: LegacyRow, last: LastState | None, tz: tzinfo, app_id: str = APP_ID,
              limits: Limits = DEFAULT_LIMITS, phone_key: bytes = b"", seal: Seal | None = None,
              ) -> list[Event] | Quarantine:
    """Events for a row not seen in this form before: ComplaintSubmitted on first sight, then status changes.
    A row the bridge wrote back for a portal complaint speaks for that ticket: its case exists already."""
    if (refused := refusal(row, tz, limits)) is not None:
        return refused
    status = canonical_status(row.status)
    portal = portal_ticket(row)
    seen = last is not None and last.status is not None
    if seen or portal is not None:
        if (last.status if seen else S.RECEIVED) == status:
            return []  # another column changed, or a written-back row still at its first status
        return [
            ComplaintStatusChangedV2(
                ticket=portal or ticket(row.id_pengaduan), source_app=app_id, source_ref=str(row.id_pengaduan),
                status=status, legacy_status=row.status, changed_at=as_utc(row.tgl_update, tz),
            )
        ]
    result = submission(row, status, tz, app_id, limits, phone_key, seal)
    return result if isinstance(result, Quarantine) else [result]


#: the code a complaint deleted from tb_pengaduan is announced with (the app has none: its row is simply gone)
DELETED_CODE = "dihapus"


def withdrawn(id_pengaduan: int, last: LastState, at: datetime, app_id: str = APP_ID,
              portal: str | None = None) -> list[Event]:
    """A complaint whose row was deleted from tb_pengaduan (the digest sweep found it gone) is closed: the app
    withdrew it. Nothing when it was never announced (only quarantined) or is closed already. `portal`: the portal
    ticket the bridge wrote the row for (the row spoke for it, so its withdrawal does too)."""
    if last.status is None or last.status == S.CLOSED:
        return []
    return [ComplaintStatusChangedV2(ticket=portal or ticket(id_pengaduan), source_app=app_id,
                                     source_ref=str(id_pengaduan), status=S.CLOSED, legacy_status=DELETED_CODE,
                                     changed_at=at, note="dihapus dari Curhat Ning Ita")]
