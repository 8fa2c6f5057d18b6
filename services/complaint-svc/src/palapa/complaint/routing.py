"""Which OPD (city agency) handles a complaint category (pure; the table is the city's, change it here)."""

from __future__ import annotations

import re

#: Complaints nobody has routed yet go to Diskominfo's triage desk.
TRIAGE_OPD = "DISKOMINFO"

# Keys are normalised categories (see normalise_category); several spellings map to one OPD.
ROUTES: dict[str, str] = {
    "jalan rusak": "DPUPR",
    "jalan berlubang": "DPUPR",
    "jalan": "DPUPR",
    "jembatan": "DPUPR",
    "banjir": "DPUPR",
    "drainase": "DPUPR",
    "saluran air": "DPUPR",
    "genangan": "DPUPR",
    "sampah": "DLH",
    "kebersihan": "DLH",
    "lingkungan": "DLH",
    "pohon tumbang": "DLH",
    "pju": "DISHUB",
    "lampu jalan": "DISHUB",
    "penerangan jalan": "DISHUB",
    "lampu lalu lintas": "DISHUB",
    "lalu lintas": "DISHUB",
    "parkir": "DISHUB",
    "kesehatan": "DINKES",
    "pelayanan kesehatan": "DINKES",
    "dbd": "DINKES",
    "puskesmas": "DINKES",
    "pendidikan": "DISDIK",
    "sekolah": "DISDIK",
    "adminduk": "DISPENDUKCAPIL",
    "ktp": "DISPENDUKCAPIL",
    "e-ktp": "DISPENDUKCAPIL",
    "kk": "DISPENDUKCAPIL",
    "kartu keluarga": "DISPENDUKCAPIL",
    "akta": "DISPENDUKCAPIL",
    "kependudukan": "DISPENDUKCAPIL",
    "administrasi kependudukan": "DISPENDUKCAPIL",
    "keamanan": "SATPOLPP",
    "ketertiban": "SATPOLPP",
    "pkl": "SATPOLPP",
}

_SPACES = re.compile(r"\s+")
_BLANK = {"", "-"}


def normalise_category(category: str | None) -> str | None:
    """Trimmed, lower-case, single-spaced category; None for blank placeholders ('', '-')."""
    if category is None:
        return None
    text = _SPACES.sub(" ", category).strip().lower()
    # '/' joins synonyms in some apps ('Banjir/Drainase'): keep it, spaced the same way.
    text = re.sub(r"\s*/\s*", "/", text)
    return None if text in _BLANK else text


def route(category: str | None) -> str:
    """The OPD code for a category; unknown or blank categories go to triage."""
    key = normalise_category(category)
    if key is None:
        return TRIAGE_OPD
    if key in ROUTES:
        return ROUTES[key]
    for part in key.split("/"):  # 'Banjir/Drainase', 'PJU/Lampu Jalan'
        if part.strip() in ROUTES:
            return ROUTES[part.strip()]
    return TRIAGE_OPD
