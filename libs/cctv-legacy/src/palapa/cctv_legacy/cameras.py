"""Dishub's camera registry and status as the legacy app keeps and serves them (pure: no I/O, a seeded rng).

The legacy JSON is rendered with the app's habits: coordinates typed with a decimal comma or with latitude
and longitude swapped, '-' or '' where nothing was typed, a camera listed twice, status words from
different firmware ('ONLINE', '1', 'aktif'), and check times from a server clock off by minutes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

# Real places of Kota Mojokerto (center about -7.4722, 112.4336)
PLACES = (
    "Perempatan Jl. Majapahit - Jl. Gajah Mada", "Alun-alun Kota Mojokerto", "Simpang Tiga Jl. Empunala",
    "Jembatan Gajah Mada", "Terminal Kertajaya", "Stasiun Mojokerto", "Jl. Benteng Pancasila",
    "Pasar Tanjung Anyar", "Simpang Empat Prajurit Kulon", "Jl. Raya Surodinawan", "Jl. Brawijaya Kranggan",
    "Jl. Pahlawan Magersari", "Jl. Mojopahit Wates", "Simpang Empat Miji", "Jl. Raya Meri",
    "Jl. Kedundung", "Jl. Hayam Wuruk", "Jl. Bhayangkara", "Jl. Residen Pamuji", "Jl. Taman Siswa",
)
ONLINE_WORDS = ("ONLINE", "1", "aktif", "Online", "ON")
OFFLINE_WORDS = ("OFFLINE", "0", "mati", "Offline", "OFF")
WIB = ZoneInfo("Asia/Jakarta")
QUIRKS = ("comma", "swapped", "blank_coords", "dash_stream", "duplicate", "padded")


def wib_now() -> datetime:
    """The wall clock of a server in Mojokerto: naive WIB, as the PHP app writes it."""
    return datetime.now(WIB).replace(tzinfo=None)


@dataclass(frozen=True)
class Camera:
    """One camera as Dishub knows it; `quirk` is how its registry entry is mistyped."""

    id: str
    location: str
    lat: float
    lng: float
    stream_url: str
    online: bool = True
    checked_at: datetime = field(default_factory=wib_now)
    quirk: str | None = None


def _coord(value: float, comma: bool) -> str:
    text = f"{value:.6f}"
    return text.replace(".", ",") if comma else text


def registry_entry(cam: Camera) -> list[dict[str, str]]:
    """The camera's row(s) in GET /api/kamera, typed as the legacy screens do (a duplicate: two rows)."""
    q = cam.quirk
    lat, lng = _coord(cam.lat, q == "comma"), _coord(cam.lng, q == "comma")
    if q == "swapped":
        lat, lng = lng, lat
    if q == "blank_coords":
        lat, lng = "-", ""
    row = {
        "kode_kamera": f" {cam.id} " if q == "padded" else cam.id,
        "nama_lokasi": cam.location,
        "latitude": lat,
        "longitude": lng,
        "link_stream": "-" if q == "dash_stream" else cam.stream_url,
    }
    return [row, dict(row)] if q == "duplicate" else [row]


class Dishub:
    """The legacy app's state; `step` makes what happens on the street (cameras dropping off, new ones)."""

    def __init__(self, cameras: int, *, seed: int | None = None, quirk_ratio: float = 0.25,
                 clock_skew: timedelta = timedelta(0), now=wib_now) -> None:
        self.rng = random.Random(seed)
        self.quirk_ratio = quirk_ratio
        self.clock_skew = clock_skew
        self.now = now
        self.cameras: dict[str, Camera] = {}
        self.extra_rows: list[object] = []  # registry rows as a test typed them (poison included)
        self.down = False  # the app answering 503, as it does during Dishub's nightly backup
        for _ in range(cameras):
            self.add()

    def legacy_now(self) -> datetime:
        """The Dishub server's clock: off by `clock_skew`."""
        return self.now() + self.clock_skew

    def add(self, **fields) -> Camera:
        """Register a new camera (random unless `fields` say), online."""
        n = len(self.cameras) + 1
        quirk = self.rng.choice(QUIRKS) if self.rng.random() < self.quirk_ratio else None
        cam = Camera(
            id=f"CCTV-{n:03d}", location=self.rng.choice(PLACES),
            lat=round(-7.4722 + self.rng.uniform(-0.02, 0.02), 6),
            lng=round(112.4336 + self.rng.uniform(-0.02, 0.02), 6),
            stream_url=f"http://cctv.mojokertokota.go.id/live/cam{n:03d}.m3u8", checked_at=self.legacy_now(),
            quirk=quirk,
        )
        cam = replace(cam, **fields)
        self.cameras[cam.id] = cam
        return cam

    def edit(self, camera_id: str, **fields) -> Camera:
        """Change a registry entry (location, coordinates, stream)."""
        cam = replace(self.cameras[camera_id], **fields)
        self.cameras[camera_id] = cam
        return cam

    def set_online(self, camera_id: str, online: bool) -> Camera:
        """A camera drops off or comes back; its check time is the legacy clock's."""
        return self.edit(camera_id, online=online, checked_at=self.legacy_now())

    def step(self, register: bool = False) -> Camera | None:
        """One thing happening: a camera flips, or (register) a new camera or a moved one."""
        if register or not self.cameras:
            if self.cameras and self.rng.random() < 0.3:
                cam = self.rng.choice(list(self.cameras.values()))
                return self.edit(cam.id, location=self.rng.choice(PLACES))
            return self.add()
        cam = self.rng.choice(list(self.cameras.values()))
        return self.set_online(cam.id, not cam.online)

    def registry(self) -> list[object]:
        return [row for cam in self.cameras.values() for row in registry_entry(cam)] + list(self.extra_rows)

    def status(self) -> list[dict[str, str]]:
        """GET /api/kamera/status: every camera's condition, in the word its firmware reports."""
        rows = []
        for cam in self.cameras.values():
            words = ONLINE_WORDS if cam.online else OFFLINE_WORDS
            rows.append({
                "kode_kamera": cam.id,
                "kondisi": words[int(cam.id[-3:]) % len(words)] if cam.id[-3:].isdigit() else words[0],
                "terakhir_cek": cam.checked_at.strftime("%d/%m/%Y %H:%M:%S"),
            })
        return rows
