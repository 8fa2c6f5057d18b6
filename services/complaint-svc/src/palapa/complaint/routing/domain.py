"""Which OPD (city agency) handles a complaint (pure). The city edits the table through the API (store_routes);
ROUTES below only seeds it (migration complaint_0002)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

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


def _place(name: str | None) -> str | None:
    text = _SPACES.sub(" ", name or "").strip().lower()
    return text or None


@dataclass(frozen=True)
class Rule:
    """category (normalised), and where known the kelurahan or kecamatan → the OPD, with optional deadlines."""

    category: str
    opd: str
    kelurahan: str | None = None
    kecamatan: str | None = None
    forward_days: int | None = None
    follow_up_days: int | None = None


class RoutingTable:
    """The most specific rule wins: category and kelurahan, then category and kecamatan, then category alone."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._rules = {(r.category, _place(r.kelurahan), _place(r.kecamatan)): r for r in rules}

    def rule(self, category: str | None, kelurahan: str | None = None, kecamatan: str | None = None) -> Rule | None:
        """The rule for a case, or None (triage)."""
        key = normalise_category(category)
        if key is None:
            return None
        kel, kec = _place(kelurahan), _place(kecamatan)
        parts = (key, *(p.strip() for p in key.split("/"))) if "/" in key else (key,)  # 'Banjir/Drainase'
        for part in parts:
            for where in ((kel, None) if kel else None, (None, kec) if kec else None, (None, None)):
                if where is not None and (found := self._rules.get((part, *where))) is not None:
                    return found
        return None

    def route(self, category: str | None, kelurahan: str | None = None, kecamatan: str | None = None) -> str:
        found = self.rule(category, kelurahan, kecamatan)
        return found.opd if found is not None else TRIAGE_OPD


#: The seed as rules: what the city starts with.
SEED_RULES = tuple(Rule(category=k, opd=v) for k, v in ROUTES.items())


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
