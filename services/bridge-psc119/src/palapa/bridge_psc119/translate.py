"""Pure translation of a PSC 119 incident, as the legacy app shows it (API page item or webhook `data`), into
the emergency events, or a quarantine with the reason. No I/O: tested on recorded payloads
(tests/unit/psc119_payloads.json).

The legacy status codes move an incident along stages; the bridge emits an event per stage reached that has
one, in order (so a lost webhook caught later by a poll still gives the citizen every step). The app is the
system of record (issue 17): a NEWER version (its `diperbarui` later than the version last handled) at an
earlier stage is the staff moving the incident back, and emits that stage's event again at the version's time
(tracking-svc records it as a correction). A stale version (webhooks arrive out of order) emits nothing, and a
repeated one never reaches the translation (the kit skips a fingerprint it has handled).

Two moves within the same second carry the same `diperbarui` (the app stamps whole seconds): a version whose
content differs from the one handled (the kit only translates those) at the SAME time is ordered by the app's
change log: read by a poll (the log lists an incident at its newest version, in the app's own order) it is a new
version, so a dispatcher's move back within a second of the move it undoes is followed. A webhook of that second
at an earlier stage cannot be told from a held-back older one (the app sends some out of order): it is Deferred,
nothing is stored, and the next poll (every `fallback_poll_interval_seconds` while webhooks flow) reads the log's
newest version: the move back if there was one, or nothing new if the webhook was stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from palapa.bridgekit.protocol import Deferred, Quarantine, as_utc
from palapa.contracts.events import AmbulanceDispatched, Event, IncidentClosed, IncidentReported, PatientHandedOver
from palapa.contracts.phone import normalise as normalise_phone
from palapa.contracts.phone import phone_hash
from palapa.psc119_legacy.codes import ORDER, OUTCOMES, SHOWN, STATUS_CODES, Stage, stage_of  # the one table of codes

from .incident import BLANK, Incident, clean, parse_time, quote

__all__ = ["STATUS_CODES", "Quarantine", "Stage", "as_utc", "stage_of", "translate"]

APP_ID = "psc-119"


# what dispatchers type as the kind of incident, as the citizen should read it
KINDS = {"KLL": "kecelakaan lalu lintas", "LAKALANTAS": "kecelakaan lalu lintas", "PERSALINAN": "persalinan",
         "SESAK": "sesak napas", "JATUH": "jatuh", "KERACUNAN": "keracunan", "HENTI JANTUNG": "henti jantung"}
LABEL_CHARS = 120


@dataclass(frozen=True)
class Limits:
    """Plausible times: not before `earliest`, not after `latest` (now + the legacy clock's allowance)."""

    earliest: datetime = datetime(2000, 1, 1, tzinfo=UTC)
    latest: datetime = datetime(2100, 1, 1, tzinfo=UTC)


def ticket(id_insiden: int) -> str:
    return f"PSC119-{id_insiden}"


def kind_of(text: str | None) -> str | None:
    if (text := clean(text)) is None:
        return None
    return KINDS.get(text.upper(), text.lower())


def label(text: str | None) -> str | None:
    text = clean(text)
    return None if text is None else text[:LABEL_CHARS]


def caller_phone_hash(telp: str | None, key: bytes) -> str | None:
    """The keyed hash of the caller's number, as the gate keys a phone account; None without a key, or when the app
    recorded no Indonesian mobile number (a landline, '-': nobody can claim the incident by it)."""
    number = normalise_phone(clean(telp)) if key else None
    return phone_hash(number, key) if number else None


def when(inc: Incident, field: str, tz: tzinfo, limits: Limits) -> datetime | Quarantine | None:
    """A time column as UTC; None when blank; a quarantine when unreadable or implausible."""
    raw = getattr(inc, field)
    if raw is None or (isinstance(raw, str) and raw.strip() in BLANK):
        return None
    local = parse_time(raw)
    if local is None:
        return Quarantine(f"unparseable_{field}: {quote(raw)} matches no known date format")
    at = local.replace(tzinfo=tz)
    if not limits.earliest <= at <= limits.latest:
        return Quarantine(f"implausible_{field}: {local.isoformat(sep=' ')} is outside "
                          f"{limits.earliest.astimezone(tz):%Y-%m-%d} … {limits.latest.astimezone(tz):%Y-%m-%d %H:%M}")
    return at.astimezone(UTC)


#: `since` for a stage stored without the time of its version: any version is newer
EVER = datetime.min.replace(tzinfo=UTC)


def translate(inc: Incident, last: Stage | None, tz: tzinfo, limits: Limits = Limits(),
              app_id: str = APP_ID, *, since: datetime | None = None,
              pushed: bool = False, phone_key: bytes = b"") -> tuple[list[Event], Stage] | Quarantine | Deferred:
    """The events of the stages this version reaches beyond `last` (None: never emitted), and the new stage.

    `since`: the update time (UTC) of the version `last` was handled for. A version (of other content) at or after
    it at an earlier stage is a move back, and emits that stage's event; None (a bare stage) never goes back.
    `pushed`: the version came by webhook, so one of the very time of `since` cannot be ordered (Deferred).
    `phone_key` (the gate's account secret): IncidentReported carries the keyed hash of the caller's number, never it.
    """
    stage = stage_of(inc.kode_status)
    if stage is None:
        return Quarantine(f"unknown_kode_status: {quote(inc.kode_status or '')} is not a PSC 119 status code")
    times: dict[str, datetime | None] = {}
    for field in ("diperbarui", "waktu_lapor", "waktu_berangkat", "waktu_serah_terima", "waktu_selesai"):
        value = when(inc, field, tz, limits)
        if isinstance(value, Quarantine):
            return value
        times[field] = value
    updated = times["diperbarui"]
    if updated is None:
        return Quarantine("blank_diperbarui: an incident version needs its update time")
    ref = str(inc.id_insiden)
    common = {"ticket": ticket(inc.id_insiden), "source_app": app_id, "source_ref": ref}
    unit, facility = label(inc.unit_ambulans), label(inc.faskes_tujuan)
    caller = caller_phone_hash(inc.telp_penelepon, phone_key)
    if last is not None and ORDER.index(stage) < ORDER.index(last) and since is not None and updated >= since:
        if pushed and updated == since:
            return Deferred("same_second: a webhook at the handled version's time, at an earlier stage; the log's "
                            "order decides")
        return back(inc, stage, last, updated, common, unit, facility, caller), stage
    if last is not None and ORDER.index(stage) <= ORDER.index(last):
        return [], last  # the same stage again (another column changed) or an older version: nothing new
    reported = times["waktu_lapor"] or (updated if last is None else None)
    if since is not None and since is not EVER:
        # a stage's time column older than the version last handled is from before a move back (staff reopened
        # the incident and reached the stage again): the step happened after that version, not at its old time
        times = {k: v if v is None or v >= since else since for k, v in times.items()}
    events: list[Event] = []
    for step in ORDER[(ORDER.index(last) + 1 if last else 0): ORDER.index(stage) + 1]:
        if step is Stage.REPORTED:
            events.append(IncidentReported(**common, kind=kind_of(inc.jenis_kejadian), kelurahan=label(inc.kelurahan),
                                           kecamatan=label(inc.kecamatan), reported_at=reported,
                                           caller_phone_hash=caller))
        elif step is Stage.DISPATCHED and (step is stage or unit or times["waktu_berangkat"]):
            events.append(AmbulanceDispatched(**common, ambulance=unit,
                                              dispatched_at=times["waktu_berangkat"] or updated))
        elif step is Stage.HANDED_OVER and (step is stage or facility or times["waktu_serah_terima"]):
            events.append(PatientHandedOver(**common, facility=facility,
                                            handed_over_at=times["waktu_serah_terima"] or updated))
        elif step is Stage.CLOSED:
            code = " ".join((inc.kode_status or "").split()).upper()
            events.append(
                IncidentClosed(**common, outcome=OUTCOMES.get(code), closed_at=times["waktu_selesai"] or updated)
            )
    return events, stage


def back(inc: Incident, stage: Stage, last: Stage, updated: datetime, common: dict, unit: str | None,
         facility: str | None, caller: str | None = None) -> list[Event]:
    """The event of the stage the staff moved the incident back to, at the version's time: the stage's own time
    column still holds when it was first reached, which tracking-svc would merge as a late repeat, not a move."""
    shown = SHOWN[stage]
    if shown is SHOWN[last]:
        return []  # on scene back to dispatched: the platform shows both as dispatched
    if shown is Stage.REPORTED:
        return [IncidentReported(**common, kind=kind_of(inc.jenis_kejadian), kelurahan=label(inc.kelurahan),
                                 kecamatan=label(inc.kecamatan), reported_at=updated, caller_phone_hash=caller)]
    if shown is Stage.DISPATCHED:
        return [AmbulanceDispatched(**common, ambulance=unit, dispatched_at=updated)]
    return [PatientHandedOver(**common, facility=facility, handed_over_at=updated)]  # CLOSED is never earlier


def event_time(events: list[Event], fallback: datetime | None = None) -> datetime | None:
    """The time the last event happened (the envelope's time), from its own field."""
    for event in reversed(events):
        for name in ("closed_at", "handed_over_at", "dispatched_at", "reported_at"):
            if (at := getattr(event, name, None)) is not None:
                return at
    return fallback


def within(now: datetime, ahead: timedelta) -> Limits:
    return Limits(latest=now + ahead)
