"""Apps that duplicate one another's service: one clear rule an official can check by hand (pure).

Two active service apps (not profile websites) duplicate each other when they serve the same field, different
OPDs run them, and their names are alike: at least half of their meaningful words are shared (Jaccard ≥ 0.5 on
the name's words without generic ones such as "aplikasi", "sistem", "layanan", "online", nor numbers). Pairs join
into groups (A like B and B like C: one group).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..registry.domain import App

#: Words every app name may carry; they say nothing about the service.
GENERIC = frozenset("""aplikasi app apps sistem sis si informasi layanan pelayanan online daring elektronik e m
web website portal mobile digital kota kab kabupaten pemkot pemerintah dinas badan bagian dan di ke untuk yang
the of surabaya mojokerto smart""".split())
RULE = ("Dua aplikasi layanan yang aktif dianggap duplikat bila bidang layanannya sama, OPD pengelolanya berbeda, "
        "dan namanya mirip: paling sedikit separuh kata bermakna sama (tanpa kata umum seperti aplikasi, sistem, "
        "layanan, online, dan tanpa nomor).")
THRESHOLD = 0.5


def words(name: str) -> frozenset[str]:
    """The meaningful words of an app's name (lower case, no generic words, no numbers)."""
    tokens = re.findall(r"[0-9a-z]+", name.casefold())
    return frozenset(t for t in tokens if t not in GENERIC and not t.isdigit() and len(t) > 1)


def alike(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) >= THRESHOLD


def groups(apps: Iterable[App]) -> list[dict]:
    """Groups of duplicating apps, each with its field, the words they share and its apps (largest groups first)."""
    live = [a for a in apps if a.lifecycle == "aktif" and a.kind not in (None, "website profil") and a.field]
    by_field: dict[str, list[App]] = {}
    for app in live:
        by_field.setdefault(app.field, []).append(app)
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    bag = {a.app_id: words(a.name) for a in live}
    for field_apps in by_field.values():
        for i, a in enumerate(field_apps):
            for b in field_apps[i + 1:]:
                if a.opd.casefold() != b.opd.casefold() and alike(bag[a.app_id], bag[b.app_id]):
                    parent[root(a.app_id)] = root(b.app_id)
    found: dict[str, list[App]] = {}
    for app in live:
        if app.app_id in parent:
            found.setdefault(root(app.app_id), []).append(app)
    out = []
    for members in found.values():
        if len({m.opd.casefold() for m in members}) < 2:
            continue
        members.sort(key=lambda m: (m.opd.casefold(), m.name.casefold()))
        shared = frozenset.intersection(*(bag[m.app_id] for m in members)) or frozenset.union(
            *(bag[m.app_id] for m in members))
        out.append({"field": members[0].field, "shared_words": sorted(shared),
                    "apps": [{"app_id": m.app_id, "name": m.name, "opd": m.opd} for m in members]})
    out.sort(key=lambda g: (-len(g["apps"]), g["field"], g["apps"][0]["name"]))
    return out
