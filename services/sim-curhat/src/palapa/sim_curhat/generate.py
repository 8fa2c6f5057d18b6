"""Pure, seeded generator of realistic Mojokerto complaints with the legacy app's quirks.

Same seed, same `now` values → same rows. No I/O: the simulator writes what this returns.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from palapa.curhat_legacy.categories import BLANK_CATEGORIES, CATEGORIES
from palapa.curhat_legacy.codes import DATE_FORMATS, OPEN_STAGES, STATUS_VARIANTS, stage_of  # noqa: F401  (re-exported)

FIRST_NAMES = (
    "Siti", "Sri", "Dewi", "Nur", "Ahmad", "Muhammad", "Agus", "Budi", "Eko", "Rina", "Wahyu", "Dwi",
    "Yuli", "Endang", "Bambang", "Slamet", "Joko", "Hari", "Retno", "Lilik", "Rudi", "Anik", "Fitri", "Imam",
)
LAST_NAMES = (
    "Aminah", "Rahayu", "Wulandari", "Santoso", "Prasetyo", "Hidayat", "Setiawan", "Susanti", "Purnomo",
    "Kurniawan", "Lestari", "Wahyuni", "Haryanto", "Syaifudin", "Maulana", "Fauzi", "Handayani", "Sutrisno",
)
KELURAHAN = (
    "Kranggan", "Miji", "Prajurit Kulon", "Meri", "Gunung Gedangan", "Kedundung", "Balongsari", "Gedongan",
    "Magersari", "Wates", "Blooto", "Surodinawan", "Pulorejo", "Sentanan", "Jagalan", "Mentikan", "Kauman",
    "Purwotengah",
)
STREETS = (
    "Jl. Mojopahit", "Jl. Gajah Mada", "Jl. Pahlawan", "Jl. Benteng Pancasila", "Jl. Empunala", "Jl. Brawijaya",
    "Jl. Residen Pamuji", "Jl. Hayam Wuruk", "Jl. KH. Hasyim Asyari", "Jl. Bhayangkara", "Jl. Tribuana Tungga Dewi",
)
# kecamatan codes of Kota Mojokerto (3576): Prajurit Kulon, Magersari, Kranggan
KECAMATAN = ("357601", "357602", "357603")

# what citizens wrote about each topic of the legacy app's categories
TEXTS: dict[str, tuple[str, ...]] = {
    "jalan": (
        "Jalan berlubang di {place}, sudah banyak pengendara motor yang jatuh. Mohon segera diperbaiki.",
        "Aspal di {place} mengelupas dan tergenang air kalau hujan, mohon ditambal pak.",
        "Paving di gang dekat {place} ambles, membahayakan anak-anak yang lewat.",
    ),
    "sampah": (
        "Sampah di TPS {place} sudah tiga hari tidak diangkut, baunya sampai ke rumah warga.",
        "Ada pembuangan sampah liar di pinggir sungai dekat {place}, mohon ditertibkan.",
    ),
    "pju": (
        "Lampu PJU di {place} mati sudah seminggu, jalan gelap dan rawan kejahatan.",
        "Lampu jalan di {place} berkedip terus tiap malam, mohon dicek petugas.",
    ),
    "drainase": (
        "Saluran air di {place} mampet, setiap hujan deras air meluap ke jalan.",
        "Gorong-gorong di {place} tertutup sedimen, mohon dikeruk sebelum musim hujan.",
    ),
    "adminduk": (
        "Sudah dua minggu KTP elektronik saya belum jadi, padahal sudah rekam di kelurahan {kel}.",
        "Antrean di kantor kelurahan {kel} sangat panjang dan petugas datang terlambat.",
    ),
    "kesehatan": (
        "Pelayanan di puskesmas dekat {place} lambat, pasien menunggu lebih dari tiga jam.",
        "Mohon fogging di lingkungan RT 03 {kel}, sudah ada dua warga terkena DBD.",
    ),
}
# category as the officers typed it → what the citizen wrote about it
TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {t: (CATEGORIES[t], TEXTS[t]) for t in TEXTS}

# status codes the app writes: mostly the numeric ones, older screens still write words
GARBAGE_DATES = ("31/02/2026 25:61", "kemarin sore", "2026-13-45", "00-00-0000", "besok")
UNKNOWN_STATUSES = ("X", "?", "99", "pending")


class ComplaintGenerator:
    """Seeded source of complaint rows and status moves, quirks included."""

    def __init__(self, seed: int | None = None, broken_row_ratio: float = 0.02, odd_move_ratio: float = 0.0) -> None:
        for name, ratio in (("broken_row_ratio", broken_row_ratio), ("odd_move_ratio", odd_move_ratio)):
            if not 0 <= ratio <= 1:
                raise ValueError(f"{name} must be between 0 and 1")
        self.rng = random.Random(seed)
        self.broken_row_ratio = broken_row_ratio
        self.odd_move_ratio = odd_move_ratio

    def complaint(self, now: datetime) -> dict[str, object]:
        """Column values of one new tb_pengaduan row written at `now` (naive local time)."""
        r = self.rng
        topic = r.choice(tuple(TOPICS))
        categories, texts = TOPICS[topic]
        kel = r.choice(KELURAHAN)
        place = f"{r.choice(STREETS)} {kel}"
        row: dict[str, object] = {
            "nik": self.nik(),
            "nama_pelapor": self.name(),
            "no_hp": self.phone(),
            "isi_laporan": r.choice(texts).format(place=place, kel=kel),
            "kategori": r.choice(BLANK_CATEGORIES) if r.random() < 0.08 else r.choice(categories),
            "lokasi": r.choice((place, f"RT {r.randint(1, 9):02d}/RW {r.randint(1, 6):02d} {kel}", kel, "-")),
            "status": "0" if r.random() < 0.85 else r.choice(STATUS_VARIANTS[0]),
            "tgl_lapor": self.report_date(now - timedelta(minutes=r.choice((0, 0, 0, 5, 30, 240)))),
            "tgl_update": now.replace(microsecond=0),
        }
        if r.random() < self.broken_row_ratio:
            self._break(row)
        return row

    def _break(self, row: dict[str, object]) -> None:
        """Spoil one field the way real legacy rows are spoiled."""
        r = self.rng
        kind = r.choice(("blank_isi", "unknown_status", "garbage_date"))
        if kind == "blank_isi":
            row["isi_laporan"] = r.choice(("", "   ", None))
        elif kind == "unknown_status":
            row["status"] = r.choice(UNKNOWN_STATUSES)
        else:
            row["tgl_lapor"] = r.choice(GARBAGE_DATES)

    def nik(self) -> str | None:
        """A NIK as officers typed it: grouped by spaces, plain, '-', '' or missing."""
        r = self.rng
        day = r.randint(1, 28) + (40 if r.random() < 0.5 else 0)
        digits = f"{r.choice(KECAMATAN)}{day:02d}{r.randint(1, 12):02d}{r.randint(60, 99):02d}{r.randint(1, 20):04d}"
        form = r.random()
        if form < 0.45:
            return " ".join(digits[i : i + 4] for i in range(0, 16, 4))
        if form < 0.80:
            return digits
        if form < 0.85:
            return digits[:15]  # a digit lost while typing
        return r.choice(("-", "", None))

    def name(self) -> str | None:
        r = self.rng
        if r.random() < 0.07:
            return r.choice(("-", "", "Anonim"))
        name = f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}"
        return name.upper() if r.random() < 0.1 else name

    def phone(self) -> str | None:
        r = self.rng
        number = f"8{r.choice((1, 2, 5, 7, 9))}{r.randint(10_000_000, 9_999_999_99)}"
        return r.choice((f"0{number}", f"+62{number}", f"0{number}", "-"))

    def report_date(self, at: datetime) -> str | None:
        """tgl_lapor in one of the formats the app's screens wrote over the years."""
        r = self.rng
        if r.random() < 0.06:
            return r.choice(("", "-", None))
        return at.strftime(r.choice(DATE_FORMATS))

    def next_status(self, current: str) -> str | None:
        """The code an officer moves an open complaint to (0→1→2→3, or →9); None when closed or unknown."""
        stage = stage_of(current)
        if stage not in OPEN_STAGES:
            return None
        r = self.rng
        nxt = 9 if stage < 2 and r.random() < 0.1 else stage + 1
        return self.code(nxt)

    def odd_status(self, current: str) -> str | None:
        """What real staff also do (issue 17), for any known stage: set a case back (2→1, 1→0), reopen a closed one
        (3→2, 9→2), or write the same stage again; None for a code the app would not know."""
        stage = stage_of(current)
        if stage is None:
            return None
        r = self.rng
        if stage in (3, 9):
            return self.code(2) if r.random() < 0.7 else self.code(stage)
        if stage > 0 and r.random() < 0.6:
            return self.code(stage - 1)
        return self.code(stage)

    def wants_odd_move(self) -> bool:
        return self.rng.random() < self.odd_move_ratio

    def move(self, rows: list[tuple[int, str]]) -> tuple[int, str] | None:
        """(id, new code) for one of `rows` ((id, current code)): an odd move at odd_move_ratio, else a forward move
        of an open complaint; None when there is nothing to move."""
        r = self.rng
        if self.wants_odd_move():
            known = [row for row in rows if stage_of(row[1]) is not None]
            if known:
                id_pengaduan, current = r.choice(known)
                return id_pengaduan, self.odd_status(current)
        open_rows = [row for row in rows if stage_of(row[1]) in OPEN_STAGES]
        if not open_rows:
            return None
        id_pengaduan, current = r.choice(open_rows)
        code = self.next_status(current)
        return None if code is None else (id_pengaduan, code)

    def code(self, stage: int) -> str:
        """How a screen writes `stage`: mostly the number, else a word an old screen used, at odd moves also with
        odd spacing or case (the app compares codes as typed: the platform must not)."""
        r = self.rng
        if r.random() < 0.8:
            return str(stage)
        word = r.choice(STATUS_VARIANTS[stage])
        if self.odd_move_ratio and r.random() < 0.5:
            word = r.choice((f" {word}", f"{word}  ", word.upper(), word.lower(), "  ".join(word.split())))
        return word[:20]  # the column holds 20 characters
