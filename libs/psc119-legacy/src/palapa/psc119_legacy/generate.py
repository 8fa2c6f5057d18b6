"""What the PSC 119 dispatchers type: new incidents and their next status, with the app's quirks (pure, seeded)."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

KELURAHAN = {"Magersari": "Magersari", "Gunung Gedangan": "Magersari", "Kedundung": "Magersari",
             "Prajurit Kulon": "Prajurit Kulon", "Mentikan": "Prajurit Kulon", "Kranggan": "Kranggan",
             "Meri": "Kranggan"}
KINDS = ["KLL", "Persalinan", "SESAK", "jatuh", "Keracunan", "henti jantung", "Kejang demam"]
UNITS = ["AMB-01", "AMB-02", "AMB-03", "AMB-07", "PSC-119 02"]
FACILITIES = ["RSUD Dr. Wahidin Sudiro Husodo", "RS Gatoel", "RSI Sakinah", "Puskesmas Gedongan",
              "Puskesmas Kranggan"]
NAMES = ["Budi Santoso", "Siti Aminah", "Agus Salim", "Dewi Lestari", "Rina Wulandari", "Slamet Riyadi"]
STREETS = ["Jl. Gajah Mada", "Jl. Majapahit", "Jl. Pahlawan", "Jl. Empu Nala", "Jl. Bhayangkara"]
# what a dispatcher sets next; closing codes: S selesai, B batal, TD tidak ditemukan
NEXT = {"1": [("2", 0.9), ("B", 0.1)], "2": [("3", 0.9), ("B", 0.05), ("TD", 0.05)], "3": [("4", 0.85), ("S", 0.15)],
        "4": [("S", 1.0)]}
OPEN = set(NEXT)
STAMP = "%Y-%m-%d %H:%M:%S"
OTHER_STAMPS = ("%d-%m-%Y %H:%M", "%d/%m/%Y %H:%M:%S")  # older screens wrote these


def blank(rng: random.Random) -> str | None:
    """How the app says 'nothing': '-', '' or null."""
    return rng.choice(["-", "", None])


class IncidentGenerator:
    def __init__(self, seed: int | None = None, broken_ratio: float = 0.03) -> None:
        self.rng = random.Random(seed)
        self.broken_ratio = broken_ratio

    def stamp(self, at: datetime) -> str:
        return at.strftime(self.rng.choice(OTHER_STAMPS) if self.rng.random() < 0.1 else STAMP)

    def incident(self, id_insiden: int, now: datetime) -> dict[str, Any]:
        """A new incident as the call taker saves it (now: the legacy clock, local time)."""
        rng = self.rng
        kelurahan = rng.choice(list(KELURAHAN))
        item = {
            "id_insiden": id_insiden if rng.random() > 0.1 else str(id_insiden),  # ids as text now and then
            "kode_status": "1", "jenis_kejadian": rng.choice(KINDS),
            "nama_penelepon": rng.choice(NAMES), "telp_penelepon": f"08{rng.randrange(10**9, 10**10)}",
            "alamat_kejadian": f"{rng.choice(STREETS)} No. {rng.randrange(1, 200)}",
            "kelurahan": kelurahan if rng.random() > 0.1 else blank(rng),
            "kecamatan": KELURAHAN[kelurahan] if rng.random() > 0.1 else blank(rng),
            "unit_ambulans": blank(rng), "faskes_tujuan": blank(rng), "waktu_lapor": self.stamp(now),
            "waktu_berangkat": blank(rng), "waktu_serah_terima": blank(rng), "waktu_selesai": blank(rng),
            "diperbarui": now.strftime(STAMP),
        }
        return self.broken(item) if rng.random() < self.broken_ratio else item

    def broken(self, item: dict[str, Any]) -> dict[str, Any]:
        """What a bad day in the legacy database looks like."""
        damage = self.rng.choice(["status", "date", "id", "future"])
        if damage == "status":
            return {**item, "kode_status": self.rng.choice(["X", "9", "", "selesai?"])}
        if damage == "date":
            return {**item, "waktu_lapor": "31/02/2026 25:61"}
        if damage == "id":
            return {**item, "id_insiden": "-"}
        return {**item, "waktu_lapor": "2099-12-31 23:59:59"}

    def next_status(self, code: str) -> str | None:
        options = NEXT.get(code)
        if not options:
            return None
        codes, weights = zip(*options, strict=True)
        return self.rng.choices(codes, weights)[0]

    def move(self, item: dict[str, Any], code: str, now: datetime) -> dict[str, Any]:
        """The incident after the dispatcher set `code` at `now` (legacy clock)."""
        rng = self.rng
        moved = {**item, "kode_status": code, "diperbarui": now.strftime(STAMP)}
        if code == "2":
            moved |= {"unit_ambulans": rng.choice(UNITS), "waktu_berangkat": self.stamp(now)}
        elif code == "4":
            moved |= {"faskes_tujuan": rng.choice(FACILITIES), "waktu_serah_terima": self.stamp(now)}
        elif code in ("S", "B", "TD"):
            moved |= {"waktu_selesai": self.stamp(now)}
        return moved
