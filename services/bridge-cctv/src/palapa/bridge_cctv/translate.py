"""Pure translation of Dishub's camera registry and status lists into camera events, or a quarantine.

No I/O: tested on recorded legacy payloads (tests/unit/dishub_payloads.json). Each poll reads two snapshots;
each camera is two source rows, `kamera:<id>` (its registry entry) and `status:<id>` (online or not). The
state kept per row is what was last emitted — the entry's digest, or 'online'/'offline' — so an event goes
out only when that changes, never on every poll.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo

from palapa.bridgekit.protocol import fingerprint as row_fingerprint
from palapa.contracts.events import CameraCameOnline, CameraRegistered, CameraWentOffline, Event

from . import normalise
from .normalise import UnreadableError

APP_ID = "cctv"
REGISTRY, STATUS = "kamera", "status"
# a server clock further off than this is not skew but a wrong date: the bridge's own time is used
MAX_SKEW = timedelta(hours=6)


@dataclass(frozen=True)
class Observation:
    """One source row as a poll saw it: a camera's registry rows (two when listed twice) or its status rows."""

    kind: str  # REGISTRY or STATUS
    source_id: str  # 'kamera:CCTV-001', 'status:CCTV-001', or '<kind>:#<digest>' when no id can be read
    rows: tuple[object, ...]  # as served; normally one
    observed_at: datetime  # aware, the bridge's clock
    skew: timedelta = timedelta(0)  # the bridge's clock minus the legacy server's
    registered: bool = True  # (status) the camera is in the registry

    @property
    def camera_id(self) -> str:
        return self.source_id.split(":", 1)[1]


@dataclass(frozen=True)
class Result:
    """Events and the state the bridge has emitted after them, or `reason` when the row is quarantined."""

    events: tuple[Event, ...] = ()
    state: str | None = None
    reason: str | None = None


def digest(value: object) -> str:
    return row_fingerprint(value, "json")


def _id_of(row: object) -> str | None:
    try:
        return normalise.camera_id(row.get("kode_kamera")) if isinstance(row, dict) else None
    except UnreadableError:
        return None


def observations(registry: list[object], status: list[object], observed_at: datetime,
                 server_time: datetime | None, tz: tzinfo) -> list[Observation]:
    """Both snapshots as source rows, registry first (a new camera is registered before it comes online).

    Rows listed twice become one observation holding both; a row with no readable id is its own, named by
    its digest (stable while the row stays as it is, so it is quarantined once)."""
    skew = timedelta(0)
    if server_time is not None:
        off = observed_at - server_time.replace(tzinfo=tz)
        skew = off if abs(off) <= MAX_SKEW else timedelta(0)
    out: list[Observation] = []
    for kind, rows in ((REGISTRY, registry), (STATUS, status)):
        grouped: dict[str, list[object]] = defaultdict(list)
        for row in rows:
            cid = _id_of(row)
            grouped[f"{kind}:{cid}" if cid else f"{kind}:#{digest(row)[:16]}"].append(row)
        out.extend(Observation(kind, source_id, tuple(group), observed_at, skew)
                   for source_id, group in grouped.items())
    # a status counts only for a camera whose registry entry reads: the catalog never hears of a stranger
    readable = {o.camera_id for o in out if o.kind == REGISTRY and _readable(o)}
    return [o if o.kind == REGISTRY else replace(o, registered=o.camera_id in readable) for o in out]


def _readable(obs: Observation) -> bool:
    try:
        _one(obs, entry)
    except UnreadableError:
        return False
    return True


def fingerprint(obs: Observation) -> str:
    """What makes a row changed: every registry field; for a status, the word and whether the camera is
    registered, not the check time (rewritten at every check)."""
    if obs.kind == REGISTRY:
        return digest(list(obs.rows))
    rows = [{k: v for k, v in r.items() if k != "terakhir_cek"} if isinstance(r, dict) else r for r in obs.rows]
    return digest([rows, obs.registered])


def entry(row: object) -> dict:
    """A registry row read: id, location, position and stream (raises UnreadableError with the reason)."""
    if not isinstance(row, dict):
        raise UnreadableError(f"not_an_object: a registry row must be a JSON object, not {type(row).__name__}")
    lat, lng = normalise.coordinates(row.get("latitude"), row.get("longitude"))
    return {"camera_id": normalise.camera_id(row.get("kode_kamera")),
            "location_name": normalise.label(row.get("nama_lokasi"), "nama_lokasi"),
            "latitude": lat, "longitude": lng, "stream_url": normalise.stream_url(row.get("link_stream"))}


def condition(row: object) -> bool:
    """A status row read: online or not (raises UnreadableError with the reason)."""
    if not isinstance(row, dict):
        raise UnreadableError(f"not_an_object: a status row must be a JSON object, not {type(row).__name__}")
    return normalise.online(row.get("kondisi"))


def _one(obs: Observation, read):
    """The row's reading, the same for every copy of a row listed twice (else UnreadableError: which one is right?)."""
    readings = [read(r) for r in obs.rows]
    if any(r != readings[0] for r in readings[1:]):
        raise UnreadableError(f"conflicting_duplicates: {obs.camera_id} is listed {len(readings)} times with different "
                         f"{'entries' if obs.kind == REGISTRY else 'conditions'}")
    return readings[0]


EARLIEST_CHECK = datetime(2000, 1, 1)


def change_time(obs: Observation, tz: tzinfo) -> datetime:
    """When the camera's condition changed: its check time on the legacy clock, corrected by the skew the
    server's own time showed; the bridge's time when absent, unreadable or in the future."""
    checked = normalise.check_time(obs.rows[0].get("terakhir_cek")) if isinstance(obs.rows[0], dict) else None
    if checked is None:
        return obs.observed_at
    if not EARLIEST_CHECK <= checked <= obs.observed_at.astimezone(tz).replace(tzinfo=None) + timedelta(days=1):
        # '0001-01-01' or '9999-12-31' is no clock's error: the row is refused, the date never passed on
        raise UnreadableError(f"implausible_terakhir_cek: {checked.isoformat(sep=' ')} is before "
                              f"{EARLIEST_CHECK:%Y} or more than a day after it was read")
    try:
        at = (checked.replace(tzinfo=tz) + obs.skew).astimezone(UTC)
    except OverflowError:
        return obs.observed_at
    return at if at <= obs.observed_at else obs.observed_at


def translate(obs: Observation, last_state: str | None, tz: tzinfo, app_id: str = APP_ID) -> Result:
    """The events for a row that changed since the bridge last saw it (`last_state`: what it last emitted)."""
    try:
        if obs.kind == REGISTRY:
            found = _one(obs, entry)
            state = digest(found)[:20]
            if state == last_state:
                return Result(state=state)  # typed differently, same camera (a comma became a dot)
            return Result((CameraRegistered(app_id=app_id, registered_at=obs.observed_at, **found),), state)
        if not obs.registered:
            raise UnreadableError(f"unregistered_camera: {obs.camera_id} has a status but no registry entry")
        online = _one(obs, condition)
        state = "online" if online else "offline"
        changed_at = change_time(obs, tz)
    except UnreadableError as exc:
        return Result(reason=str(exc))
    if state == last_state:
        return Result(state=state)
    kind = CameraCameOnline if online else CameraWentOffline
    # first sight counts as a change too: the catalog learns each camera's condition once
    return Result((kind(camera_id=obs.camera_id, app_id=app_id, changed_at=changed_at),), state)
