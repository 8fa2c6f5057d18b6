"""Si Makel's requests as the legacy app keeps them (pure: no I/O, a seeded rng).

Citizens ask their kelurahan for a letter; the request moves 0 → 1 → 2 → 3 → 4 (or 9, refused). Each
kelurahan's PC stamps its writes with its own clock, minutes off the server's.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")
# Kota Mojokerto: three kecamatan, eighteen kelurahan
KECAMATAN: dict[str, tuple[str, ...]] = {
    "Prajurit Kulon": ("Surodinawan", "Prajurit Kulon", "Blooto", "Mentikan", "Kauman", "Pulorejo"),
    "Magersari": ("Gunung Gedangan", "Kedundung", "Purwotengah", "Gedongan", "Magersari", "Wates"),
    "Kranggan": ("Jagalan", "Sentanan", "Kranggan", "Miji", "Meri", "Balongsari"),
}
LETTERS = {
    "SKD": "Surat Keterangan Domisili", "SKTM": "Surat Keterangan Tidak Mampu", "SP": "Surat Pengantar",
    "SKU": "Surat Keterangan Usaha", "SKBM": "Surat Keterangan Belum Menikah", "SKL": "Surat Keterangan Kelahiran",
    "SKK": "Surat Keterangan Kematian",
}
STATUSES = {"0": "Diajukan", "1": "Diverifikasi", "2": "Diproses", "3": "Siap Diambil", "4": "Selesai", "9": "Ditolak"}
NEXT = {"0": ("1", "9"), "1": ("2", "9"), "2": ("3",), "3": ("4",)}
FIRST = ("Siti", "Nur", "Ahmad", "Dwi", "Eko", "Sri", "Muhammad", "Agus", "Rina", "Budi", "Wahyu", "Dewi", "André")
LAST = ("Aminah", "Hidayat", "Rahayu", "Santoso", "Wulandari", "Prasetyo", "Fauziah", "Setiawan", "Lestari")
QUIRKS = ("latin1", "entities", "blanks", "duplicate", "shouting", "unknown_status")


def wib_now() -> datetime:
    """A Mojokerto server's wall clock: naive WIB."""
    return datetime.now(WIB).replace(tzinfo=None)


@dataclass(frozen=True)
class Permohonan:
    """One request as stored by Si Makel; `quirk` is how the API mangles it."""

    id: int
    nama: str
    nik: str
    telepon: str
    kode_surat: str
    status: str
    kelurahan: str
    kecamatan: str
    tgl_pengajuan: datetime
    tgl_update: datetime
    catatan: str = ""
    quirk: str | None = None
    keperluan: str = ""
    no_referensi: str = ""  # a partner system's own reference (the gate's ticket): one request per reference


@dataclass(frozen=True)
class Filed:
    """The answer to a partner's filing: the request (new, or the one filed before under the same reference)."""

    request: Permohonan
    duplicate: bool


class FilingRefusedError(ValueError):
    """Si Makel will not file it; the message is its own (Bahasa Indonesia)."""


class SiMakel:
    """The legacy app's store; `step` makes what happens at the kelurahan counters."""

    def __init__(self, *, seed: int | None = None, quirk_ratio: float = 0.2,
                 clock_skew: timedelta = timedelta(minutes=-2), now=wib_now) -> None:
        self.rng = random.Random(seed)
        self.quirk_ratio = quirk_ratio
        self.clock_skew = clock_skew
        self.now = now
        self.requests: dict[int, Permohonan] = {}
        # every kelurahan PC's clock is off the server's by up to a few minutes, mostly behind
        self.pc_skew = {
            kel: timedelta(seconds=self.rng.randint(-240, 60)) for kels in KECAMATAN.values() for kel in kels
        }
        self.raw_page: bytes | None = None  # a body served instead of the list (tests: poison)
        self.down = False

    def server_now(self) -> datetime:
        return self.now() + self.clock_skew

    def stamp(self, kelurahan: str) -> datetime:
        """A write's time on the kelurahan PC's clock, whole seconds as the app stores them."""
        return (self.server_now() + self.pc_skew.get(kelurahan, timedelta(0))).replace(microsecond=0)

    def submit(self, **fields) -> Permohonan:
        """A new request at a random kelurahan (unless `fields` say)."""
        kecamatan = self.rng.choice(list(KECAMATAN))
        kelurahan = self.rng.choice(KECAMATAN[kecamatan])
        quirk = self.rng.choice(QUIRKS) if self.rng.random() < self.quirk_ratio else None
        new_id = max(self.requests, default=3100) + 1
        at = self.stamp(fields.get("kelurahan", kelurahan))
        req = Permohonan(
            id=new_id, nama=f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}",
            nik=f"3576{self.rng.randint(10**11, 10**12 - 1)}", telepon=f"08{self.rng.randint(10**9, 10**10 - 1)}",
            kode_surat=self.rng.choice(list(LETTERS)), status="0", kelurahan=kelurahan, kecamatan=kecamatan,
            tgl_pengajuan=at, tgl_update=at, quirk=quirk,
        )
        req = replace(req, **fields)
        self.requests[req.id] = req
        return req

    def file(self, *, nik: str, nama: str, telepon: str, kode_surat: str, kelurahan: str, keperluan: str,
             no_referensi: str) -> Filed:
        """A request filed by a partner system (the gate), checked as Si Makel's own form checks it: a Kota Mojokerto
        NIK (16 digits, 3576…), a known letter and kelurahan (its kecamatan is the app's, whatever was sent)."""
        nik, nama, kode_surat = nik.strip(), " ".join(nama.split()), kode_surat.strip().upper()
        if no_referensi:
            same = next((r for r in self.requests.values() if r.no_referensi == no_referensi), None)
            if same is not None:
                return Filed(same, duplicate=True)
        if not (len(nik) == 16 and nik.isdigit()):
            raise FilingRefusedError("NIK harus 16 digit angka")
        if not nik.startswith("3576"):
            raise FilingRefusedError("NIK bukan penduduk Kota Mojokerto")
        if not nama:
            raise FilingRefusedError("Nama pemohon wajib diisi")
        if kode_surat not in LETTERS:
            raise FilingRefusedError(f"Jenis surat {kode_surat[:10]} tidak tersedia")
        found = next(((kec, kel) for kec, kels in KECAMATAN.items() for kel in kels
                      if kel.lower() == " ".join(kelurahan.split()).lower()), None)
        if found is None:
            raise FilingRefusedError("Kelurahan tidak terdaftar di Kota Mojokerto")
        kecamatan, kelurahan = found
        new_id = max(self.requests, default=3100) + 1
        at = self.stamp(kelurahan)
        req = Permohonan(id=new_id, nama=nama[:100], nik=nik, telepon=telepon.strip()[:20], kode_surat=kode_surat,
                         status="0", kelurahan=kelurahan, kecamatan=kecamatan, tgl_pengajuan=at, tgl_update=at,
                         keperluan=keperluan[:500], no_referensi=no_referensi[:64])
        self.requests[req.id] = req
        return Filed(req, duplicate=False)

    def move(self, request_id: int, status: str | None = None) -> Permohonan | None:
        """The request to `status` (or its next one at random); None when it is closed."""
        req = self.requests[request_id]
        if status is None:
            if req.status not in NEXT:
                return None
            status = self.rng.choice(NEXT[req.status])
        req = replace(req, status=status, tgl_update=self.stamp(req.kelurahan))
        self.requests[request_id] = req
        return req

    def step(self, submit: bool = False) -> Permohonan | None:
        open_ids = [i for i, r in self.requests.items() if r.status in NEXT]
        if submit or not open_ids:
            return self.submit()
        return self.move(self.rng.choice(open_ids[-200:]))

    def changed_since(self, since: datetime | None, page: int, per_page: int) -> tuple[list[Permohonan], int]:
        """One page of the requests changed at or after `since`, by (tgl_update, id); and how many pages there are."""
        rows = sorted((r for r in self.requests.values() if since is None or r.tgl_update >= since),
                      key=lambda r: (r.tgl_update, r.id))
        pages = max(1, -(-len(rows) // per_page))
        return rows[(page - 1) * per_page: page * per_page], pages
