"""A morning at the health centres, as the queue app writes it (pure: seeded choices, no I/O)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

PUSKESMAS = ("GDG", "KDD", "MTK", "KRG", "BLT", "WTS")
POLI = {"UMUM": "A", "GIGI": "B", "KIA": "C", "LANSIA": "D", "MTBS": "E"}
NAMES = ("Siti Aminah", "Budi Santoso", "Dewi Lestari", "Agus Salim", "Rina Wati", "Joko Prasetyo", "Sri Wahyuni")
# what a hurried or old screen sometimes writes: the bridge must quarantine these, not pass them on
BROKEN = (
    {"kd_puskesmas": "PKM"},                      # a code the mapping does not know
    {"jam_panggil": "31/02/2026 08:00:00"},       # no such day
    {"no_antrian": "-"},                          # blank
)


@dataclass
class Clinic:
    seed: int | None = None
    broken_row_ratio: float = 0.03
    rng: random.Random = field(init=False)
    numbers: dict[tuple[str, str], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def patient(self, now: datetime) -> dict:
        """A new row: a patient takes a number at a puskesmas' poli (waiting)."""
        pkm, poli = self.rng.choice(PUSKESMAS), self.rng.choice(tuple(POLI))
        n = self.numbers[(pkm, poli)] = self.numbers.get((pkm, poli), 0) + 1
        return {"kd_puskesmas": pkm, "no_antrian": f"{POLI[poli]}-{n:03d}", "kd_poli": poli,
                "nama_pasien": self.rng.choice(NAMES), "no_rm": f"RM-{self.rng.randrange(10**6):06d}",
                "nik": f"3576{self.rng.randrange(10**12):012d}", "status_antrian": "0", "tgl_update": now}

    def call(self, now: datetime) -> dict:
        """The columns a call writes: status 1, the counter, the time (sometimes broken)."""
        values = {"status_antrian": "1", "loket": str(self.rng.randint(1, 4)),
                  "jam_panggil": now.strftime("%d/%m/%Y %H:%M:%S"), "tgl_update": now}
        if self.rng.random() < self.broken_row_ratio:
            values.update(self.rng.choice(BROKEN))
        return values

    def done(self, now: datetime) -> dict:
        return {"status_antrian": self.rng.choice(("3", "3", "3", "9")), "tgl_update": now}
