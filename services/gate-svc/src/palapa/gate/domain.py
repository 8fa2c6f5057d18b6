"""What the gate decides without I/O: a service's action, money and dates in Indonesian, per-IP rate limits."""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
MAX_QUERY = 200  # characters of a search sent on (catalog-svc refuses longer ones anyway)


@dataclass(frozen=True)
class Action:
    """What a citizen does next for a service: `in_gate` when the gate serves it, else an outside address."""

    label: str
    url: str
    in_gate: bool
    note: str


#: The directory's apps whose action the gate serves itself (by the catalog's app id).
GATE_ACTIONS = {
    "curhat-ning-ita": Action("Sampaikan pengaduan", "/lapor", True,
                              "Pengaduan diterima di Palapa dan diteruskan ke OPD yang menangani."),
    "cek-pbb": Action("Cek tagihan PBB", "/pajak", True, "Tagihan PBB dicek di Palapa dengan NOP Anda."),
    "psc-119": Action("Panggil ambulans: telepon 119", "/darurat", True,
                      "Keadaan darurat: telepon 119. Halaman ini menjelaskan apa yang perlu disampaikan."),
    "si-makel": Action("Ajukan surat", "/surat", True,
                       "Ajukan surat di Palapa setelah masuk dengan nomor HP: permohonan dicatat di Si Makel "
                       "kelurahan dan statusnya tampil di Kasus saya."),
}


def action_for(app_id: str, app_name: str, served_where: str, served_url: str | None,
               service_id: str = "") -> Action:
    """The service's action: the gate's own page, the ticket tracker for a bridged app, or the app's own page.
    The letter form is opened on the service's own letter (`/surat?layanan=<id>`)."""
    if app_id in GATE_ACTIONS:
        action = GATE_ACTIONS[app_id]
        if action.url == "/surat" and service_id.replace("-", "").isalnum():
            return Action(action.label, f"/surat?layanan={service_id}", True, action.note)
        return action
    if served_where == "portal":  # bridged: requested in the app itself, followed in Palapa by its ticket
        return Action("Lacak permohonan Anda", "/lacak", True,
                      f"Permohonan diajukan melalui {app_name}; statusnya dapat diikuti di Palapa "
                      "dengan nomor tiket yang Anda terima.")
    if served_url and served_url.startswith(("https://", "http://")):
        return Action(f"Buka {app_name}", served_url, False,
                      f"Layanan ini belum dapat diajukan di Palapa: Anda akan dibawa ke situs {app_name}.")
    return Action("Datang ke kantor layanan", "", False,
                  "Layanan ini belum memiliki aplikasi daring: silakan datang ke kantor OPD yang melayani.")


def rupiah(amount: int | None) -> str:
    """Rp 1.250.000 (dots between thousands, as Indonesians write it); 'sesuai ketentuan' when unknown."""
    if amount is None:
        return "sesuai ketentuan"
    return "Rp " + f"{amount:,}".replace(",", ".")


def tanggal(day: date | str | None) -> str:
    """7 Desember 2026 (from a date or an ISO date or timestamp); '-' when there is none or it is unreadable."""
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day[:10])
        except ValueError:
            return "-"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else "-"


def waktu(moment: datetime | str | None) -> str:
    """7 Desember 2026 14:05:03 UTC (from a timestamp or its ISO text); '-' when there is none or it is unreadable."""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return "-"
    if not isinstance(moment, datetime):
        return "-"
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{tanggal(moment.date())} {moment:%H:%M:%S} UTC"


def clean_query(text: str | None) -> str:
    """A search as typed, with whitespace folded and cut to MAX_QUERY characters."""
    return " ".join((text or "").split())[:MAX_QUERY]


# ---- rate limits -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """At most `burst` requests at once, refilled at `per_minute`."""

    burst: int
    per_minute: float


#: the staff areas' sign-in paths (rate-limited as sign-ins, as Caddy's matcher names them)
SIGN_IN_PATHS = ("/masuk", "/petugas/masuk", "/petugas/callback", "/ops/masuk", "/ops/callback")


def bucket_for(method: str, uri: str) -> str | None:
    """Which limit a request (its method and URI as the gate forwards them) falls under, or None."""
    path, _, query = uri.partition("?")
    if path in SIGN_IN_PATHS or path.startswith(("/masuk/", "/auth/")):
        return "signin"
    if method.upper() not in {"GET", "HEAD", "OPTIONS"}:
        return "form"
    if path.startswith("/tax-bills/") or (path == "/pajak" and "nop=" in query):
        return "lookup"
    return None


class RateLimiter:
    """Token buckets per (bucket, client): `take` answers None to let through, or the seconds to wait.

    Memory is bounded: past `max_clients` entries the least recently seen client is forgotten (it starts full).
    """

    def __init__(self, limits: dict[str, Limit], max_clients: int = 100_000) -> None:
        self.limits = limits
        self.max_clients = max_clients
        self._buckets: OrderedDict[tuple[str, str], tuple[float, float]] = OrderedDict()  # → (tokens, at)

    def take(self, bucket: str, client: str, now: float) -> int | None:
        limit = self.limits[bucket]
        rate = limit.per_minute / 60.0
        key = (bucket, client)
        tokens, at = self._buckets.pop(key, (float(limit.burst), now))
        tokens = min(float(limit.burst), tokens + max(0.0, now - at) * rate)
        wait = None
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = max(1, math.ceil((1.0 - tokens) / rate))
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return wait


# ---- a short-lived cache of pages ----------------------------------------------------------------------------


class PageCache:
    """What was rendered for a key, kept `ttl_s` seconds: the directory changes a few times a day, citizens ask the
    same few hundred things all day. At most `max_entries` (the oldest go first)."""

    def __init__(self, ttl_s: float, max_entries: int = 2_000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._pages: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    def get(self, key: str, now: float) -> bytes | None:
        found = self._pages.get(key)
        if found is None or now - found[0] >= self.ttl_s:
            return None
        return found[1]

    def put(self, key: str, page: bytes, now: float) -> None:
        self._pages.pop(key, None)
        self._pages[key] = (now, page)
        while len(self._pages) > self.max_entries:
            self._pages.popitem(last=False)
