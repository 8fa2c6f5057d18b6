"""Pure translation of a Si Makel request (as read from its XML) into service-request events, or a quarantine.

No I/O: tested on recorded pages (tests/unit/pages/). The applicant's name, NIK and phone are read but never
put in an event: the contract has no field for them, and reasons quote only codes and dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from palapa.bridgekit.protocol import fingerprint as row_fingerprint
from palapa.contracts.events import Event, RequestStatus, ServiceRequestStatusChanged, ServiceRequestSubmitted
from palapa.simakel_legacy.codes import UNPRINTABLE, canonical_status  # what the app's codes mean (one table)

APP_ID = "si-makel"
BLANK = {"", "-", "--", "null"}
LETTERS = {
    "SKD": "Surat Keterangan Domisili", "SKTM": "Surat Keterangan Tidak Mampu", "SP": "Surat Pengantar",
    "SKU": "Surat Keterangan Usaha", "SKBM": "Surat Keterangan Belum Menikah", "SKL": "Surat Keterangan Kelahiran",
    "SKK": "Surat Keterangan Kematian", "SPN": "Surat Pengantar Nikah",
}
# Kota Mojokerto's kelurahan and their kecamatan (a blank kecamatan is filled in from here)
KELURAHAN: dict[str, str] = {
    **dict.fromkeys(("Surodinawan", "Prajurit Kulon", "Blooto", "Mentikan", "Kauman", "Pulorejo"), "Prajurit Kulon"),
    **dict.fromkeys(("Gunung Gedangan", "Kedundung", "Purwotengah", "Gedongan", "Magersari", "Wates"), "Magersari"),
    **dict.fromkeys(("Jagalan", "Sentanan", "Kranggan", "Miji", "Meri", "Balongsari"), "Kranggan"),
}
KECAMATAN = {"Prajurit Kulon", "Magersari", "Kranggan"}
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
                "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%Y-%m-%d")
PREFIX = re.compile(r"^(kel|kelurahan|kec|kecamatan)\.?\s+", re.IGNORECASE)
CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,19}$")
EARLIEST = datetime(2000, 1, 1)
MAX_SKEW = timedelta(hours=6)  # a server clock further off than this is a wrong date, not skew
LABEL_CHARS = 200


@dataclass(frozen=True)
class Observed:
    """A request as a page showed it, with when the bridge read it and how far off the server's clock was."""

    row: dict[str, str | None]
    observed_at: datetime  # aware, the bridge's clock
    skew: timedelta = timedelta(0)  # the bridge's clock minus the Si Makel server's


@dataclass(frozen=True)
class Result:
    events: tuple[Event, ...] = ()
    state: str | None = None  # the RequestStatus the bridge has emitted after these events
    reason: str | None = None


def text(value: str | None) -> str | None:
    if value is None:
        return None
    s = " ".join(UNPRINTABLE.sub("", value).split())
    return None if s.lower() in BLANK else s


def skew_of(observed_at: datetime, server_time: str | None, tz: tzinfo) -> timedelta:
    """How far the server's clock is behind the bridge's (0 when unknown or implausibly far)."""
    server = parse_time(server_time)
    if server is None:
        return timedelta(0)
    off = timedelta(seconds=round((observed_at - server.replace(tzinfo=tz)).total_seconds()))
    return off if abs(off) <= MAX_SKEW else timedelta(0)


def parse_time(value: str | None) -> datetime | None:
    s = text(value)
    if s is None:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(s, fmt)
        except ValueError:
            continue
    return None


def fingerprint(row: dict[str, str | None]) -> str:
    return row_fingerprint(row, "json-ascii")


def source_id(row: dict[str, str | None]) -> str:
    """The request's id as typed, or '#<digest>' when there is none (stable while the row is the same)."""
    s = text(row.get("id"))
    return s[:100] if s else f"#{fingerprint(row)[:16]}"


def ticket(request_id: int) -> str:
    return f"SIMAKEL-{request_id}"


def place(value: str | None, known: set[str] | dict) -> str | None:
    """'KEL. MAGERSARI', 'prajurit  kulon' → 'Magersari', 'Prajurit Kulon'; an unknown name stays as typed."""
    s = text(value)
    if s is None:
        return None
    s = PREFIX.sub("", s)[:LABEL_CHARS]
    return next((k for k in known if k.lower() == s.lower()), s)


def beyond(local: datetime, obs: Observed, tz: tzinfo) -> bool:
    """True when a legacy local time lies further ahead of the moment it was read than any clock skew explains
    (a '9999-12-31' typed in); an aware comparison subtracts offsets, so year 9999 cannot overflow here."""
    return local.replace(tzinfo=tz) > obs.observed_at + MAX_SKEW + max(obs.skew, -obs.skew)


def corrected(local: datetime, obs: Observed, tz: tzinfo) -> datetime:
    """A legacy local time on the bridge's clock (aware UTC), never later than the moment it was read."""
    at = (local.replace(tzinfo=tz) + obs.skew).astimezone(UTC)
    return min(at, obs.observed_at)


def translate(obs: Observed, last: str | None, tz: tzinfo, app_id: str = APP_ID) -> Result:
    """Events for a request seen in this form for the first time (`last`: the status last emitted, or None)."""
    row = obs.row
    rid = text(row.get("id"))
    if rid is None or not rid.isascii() or not rid.isdigit() or not 0 < int(rid) < 10**15:
        return Result(reason=f"invalid_id: {rid[:40] if rid else 'blank'!r} is not a Si Makel request number")
    status = canonical_status(row.get("kode_status"))
    if status is None:
        return Result(reason=f"unknown_status: kode_status {(text(row.get('kode_status')) or 'blank')[:20]!r} "
                             f"({(text(row.get('nama_status')) or '-')[:40]}) is not a Si Makel status")
    updated = parse_time(row.get("tgl_update"))
    if updated is None or updated < EARLIEST:
        return Result(reason=f"unparseable_tgl_update: {(row.get('tgl_update') or 'blank')[:40]!r} is no date")
    if beyond(updated, obs, tz):
        return Result(reason=f"implausible_tgl_update: {updated.isoformat(sep=' ')} is later than the page was read")
    changed_at = corrected(updated, obs, tz)
    if last is not None:
        if last == status.value:
            return Result(state=last)  # another field changed: nothing the platform tracks
        note = text(row.get("nama_status"))
        return Result((ServiceRequestStatusChanged(
            ticket=ticket(int(rid)), source_app=app_id, source_ref=str(int(rid)), status=status,
            legacy_status=text(row.get("kode_status")), note=note[:LABEL_CHARS] if note else None,
            changed_at=changed_at),), status.value)
    code = (text(row.get("kode_surat")) or "").upper()
    label = LETTERS.get(code) or text(row.get("nama_surat"))
    if not CODE.match(code) or not label:
        return Result(reason=f"unknown_jenis_surat: kode {code[:20] or 'blank'!r} has no letter type")
    kelurahan = place(row.get("kelurahan"), KELURAHAN)
    kecamatan = place(row.get("kecamatan"), KECAMATAN) or KELURAHAN.get(kelurahan or "")
    submitted = parse_time(row.get("tgl_pengajuan"))
    if submitted is not None and (submitted < EARLIEST or beyond(submitted, obs, tz)):
        # a date that cannot be true is refused, never replaced by another one
        return Result(reason=f"implausible_tgl_pengajuan: {submitted.isoformat(sep=' ')} is outside "
                             f"{EARLIEST:%Y-%m-%d} … the time the page was read")
    submitted_at = corrected(submitted, obs, tz) if submitted else changed_at
    return Result((ServiceRequestSubmitted(
        ticket=ticket(int(rid)), source_app=app_id, source_ref=str(int(rid)), letter_type=code,
        letter_label=label[:LABEL_CHARS], kelurahan=kelurahan, kecamatan=kecamatan, status=status,
        legacy_status=text(row.get("kode_status")), submitted_at=min(submitted_at, changed_at)),), status.value)


#: the note on a request that disappeared from Si Makel (the sweep found it gone): shown in the citizen's timeline
WITHDRAWN_NOTE = "Permohonan tidak ada lagi di aplikasi Si Makel (dihapus atau ditarik)"


def withdrawn(source_id: str, last: str | None, at: datetime, app_id: str = APP_ID) -> tuple:
    """What a request gone from Si Makel means: closed as rejected, with a note saying why; nothing for a row that
    had no readable id, or a request already closed."""
    if not source_id.isdigit() or not 0 < int(source_id) < 10**15:
        return ()
    if last in (RequestStatus.COMPLETED.value, RequestStatus.REJECTED.value):
        return ()
    return (ServiceRequestStatusChanged(ticket=ticket(int(source_id)), source_app=app_id, source_ref=source_id,
                                        status=RequestStatus.REJECTED, legacy_status=None, note=WITHDRAWN_NOTE,
                                        changed_at=at),)
