"""BPKPD's nightly full export as the legacy app writes it, fast enough for a city (500,000 bills in ~2 s).

`NOP;THN_PAJAK;NM_WP;ALAMAT_OP;KELURAHAN;LUAS_BUMI;LUAS_BNG;PBB_TERHUTANG;TGL_JATUH_TEMPO;STATUS_BAYAR;TGL_BAYAR`,
semicolon-separated, Latin-1 (names such as ANDRÉ), CRLF, a header line. Its quirks, on purpose:
the NOP with dots and dash (`35.76.010.001.002-0123.0`) on most lines and as 18 plain digits on others;
amounts with thousands dots (`1.250.000`), some with `Rp ` or `,00`; dates dd-mm-yyyy; `-` or blank for
no value; every 997th bill written twice (a duplicated row); and, after every `broken_every` bills, one
broken line (wrong column count, a NOP with a letter, an amount with an O for a 0, 31 February).

A bill's values come from its index (no state to keep for 500,000 bills); `Export.changes` holds what
moved since the first export (index → amount, paid), which is all a later export needs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

HEADER = ("NOP;THN_PAJAK;NM_WP;ALAMAT_OP;KELURAHAN;LUAS_BUMI;LUAS_BNG;"
          "PBB_TERHUTANG;TGL_JATUH_TEMPO;STATUS_BAYAR;TGL_BAYAR")
NAMES = ("SUPRIYADI", "SITI AMINAH", "ANDRÉ WIJAYA", "NURUL HIDAYAH", "BAMBANG SÖETRISNO", "DEWI LESTARI",
         "AGUS SALIM", "RATNA SARI", "JOKO SUSILO", "ENDANG WAHYUNI", "FRANÇOIS HADI", "LILIS SURYANI")
STREETS = ("JL. MERAPI", "JL. MAJAPAHIT", "JL. BENTENG PANCASILA", "JL. KRANGGAN", "JL. PRAJURIT KULON",
           "GG. MAWAR", "JL. GAJAH MADA", "JL. EMPU NALA")
KELURAHAN = ("MAGERSARI", "PRAJURIT KULON", "KRANGGAN", "GUNUNG GEDANGAN", "MENTIKAN", "WATES", "BALONGSARI")
BROKEN = (
    "35.76.010.001.002-0123.0;2026;{name};JL. MERAPI 1;MAGERSARI;120;60;1.250.000;31-08-2026",  # columns missing
    "35.76.0A0.001.002-0123.0;2026;{name};JL. MERAPI 1;MAGERSARI;120;60;1.250.000;31-08-2026;BELUM;-",  # a letter
    "35.76.010.001.002-0124.0;2026;{name};JL. MERAPI 2;MAGERSARI;120;60;1.25O.000;31-08-2026;BELUM;-",  # O for 0
    "35.76.010.001.002-0125.0;2026;{name};JL. MERAPI 3;MAGERSARI;120;60;850.000;31-02-2026;BELUM;-",  # 31 Feb
    "35.76.010.001.002-0126.0;2026;{name};JL. MERAPI;4;MAGERSARI;120;60;850.000;31-08-2026;BELUM;-",  # ';' in text
    "35.76.010.001.002-0127.0;2026;{name};JL. MERAPI 5;MAGERSARI;120;60;850.000;31-08-2026;DICICIL;-",  # status
)


def nop_digits(i: int) -> str:
    """Bill i's NOP: Jawa Timur (35), Kota Mojokerto (76), then kecamatan, kelurahan, blok, urut, jenis."""
    return (f"3576{10 + (i // 100_000_000) % 3:03d}{1 + (i // 10_000_000) % 10:03d}"
            f"{(i // 10_000) % 1000:03d}{i % 10_000:04d}0")


def dotted(nop: str) -> str:
    """357601000100201230 → 35.76.010.001.002-0123.0 (as BPKPD prints it)."""
    return f"{nop[0:2]}.{nop[2:4]}.{nop[4:7]}.{nop[7:10]}.{nop[10:13]}-{nop[13:17]}.{nop[17]}"


def base_amount(i: int) -> int:
    """Rupiah, whole thousands between 50,000 and 4,049,000."""
    return ((i * 2654435761) % 4000 + 50) * 1000


def thousands(amount: int) -> str:
    """1250000 → 1.250.000."""
    return f"{amount:,}".replace(",", ".")


@dataclass
class Export:
    """The bills of one city; `changes` are the bills whose amount or payment moved since the first export."""

    bills: int
    year: int = 2026
    broken_every: int = 50_000
    changes: dict[int, tuple[int, bool]] = field(default_factory=dict)

    def state(self, i: int) -> tuple[int, bool]:
        return self.changes.get(i, (base_amount(i), False))

    def change(self, fraction: float, seed: int) -> set[int]:
        """Move `fraction` of the bills (half get a new amount, half are paid); returns their indexes."""
        rng = random.Random(seed)
        picked = rng.sample(range(self.bills), max(1, int(self.bills * fraction)))
        for n, i in enumerate(picked):
            amount, paid = self.state(i)
            self.changes[i] = (amount + 25_000, paid) if n % 2 == 0 or paid else (amount, True)
        return set(picked)

    def lines(self):
        """The export's lines (without line ends), header first."""
        yield HEADER
        year, due = self.year, f"31-08-{self.year}"
        for i in range(self.bills):
            amount, paid = self.state(i)
            nop = nop_digits(i)
            shown_nop = nop if i % 10 < 3 else dotted(nop)
            shown_amount = thousands(amount)
            if i % 50 == 7:
                shown_amount = f"Rp {shown_amount}"
            elif i % 50 == 13:
                shown_amount += ",00"
            status, paid_on = (("LUNAS", f"{1 + i % 28:02d}-07-{year}") if paid
                               else (("BELUM", "-") if i % 7 else ("", "")))
            luas_bng = "-" if i % 5 == 0 else str(36 + i % 200)
            line = (f"{shown_nop};{year};{NAMES[i % len(NAMES)]};{STREETS[i % len(STREETS)]} {1 + i % 150};"
                    f"{KELURAHAN[i % len(KELURAHAN)]};{60 + i % 500};{luas_bng};{shown_amount};"
                    f"{due};{status};{paid_on}")
            yield line
            if i % 997 == 0:
                yield line  # a duplicated row
            if self.broken_every and i % self.broken_every == self.broken_every - 1:
                yield BROKEN[(i // self.broken_every) % len(BROKEN)].format(name=NAMES[i % len(NAMES)])

    def write(self, path: Path, marker: bool = True) -> Path:
        """Write the export as `<path>.part`, rename it into place, then (if `marker`) create `<path>.done`."""
        part = path.with_name(path.name + ".part")
        with open(part, "w", encoding="latin-1", newline="\r\n", buffering=1 << 20) as f:
            batch: list[str] = []
            for line in self.lines():
                batch.append(line)
                if len(batch) >= 10_000:
                    f.write("\n".join(batch) + "\n")
                    batch.clear()
            if batch:
                f.write("\n".join(batch) + "\n")
        part.rename(path)
        if marker:
            path.with_name(path.name + ".done").touch()
        return path

    def broken_lines(self) -> int:
        return self.bills // self.broken_every if self.broken_every else 0
