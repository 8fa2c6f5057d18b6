"""The rationalization report: counts and the consolidation plan, computed from the registry each time (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ..census.parse import WARGAKU_FIELDS
from ..registry.domain import App
from . import duplicates

SERVICE_KINDS = ("layanan publik", "administrasi pemerintahan")


def _counts(values: Iterable[str | None]) -> dict[str, int]:
    return dict(sorted(Counter(v or "-" for v in values).items()))


def _cross(apps: list[App], row: str, col: str) -> dict[str, dict[str, int]]:
    table: dict[str, Counter] = {}
    for app in apps:
        table.setdefault(getattr(app, row) or "-", Counter())[getattr(app, col) or "-"] += 1
    return {k: dict(sorted(v.items())) for k, v in sorted(table.items())}


def _by_lifecycle(apps: list[App]) -> dict[str, int]:
    active = sum(a.lifecycle == "aktif" for a in apps)
    return {"total": len(apps), "active": active, "inactive": len(apps) - active}


def _plan(apps: list[App]) -> dict:
    folds: dict[str, dict[str, list[str]]] = {"wargaku": {}, "kantorku": {}}
    for app in apps:
        if app.super_app is not None and app.lifecycle == "aktif":  # what is switched off folds into nothing
            folds[app.super_app].setdefault(app.cluster or "lainnya", []).append(app.app_id)
    off = sorted(a.app_id for a in apps if a.lifecycle != "aktif")
    kept = sorted(a.app_id for a in apps if a.lifecycle == "aktif" and a.super_app is None)
    plan = {name: {"total": sum(map(len, c.values())), "clusters": {k: sorted(v) for k, v in sorted(c.items())}}
            for name, c in folds.items()}
    return {**plan, "switched_off": {"total": len(off), "apps": off}, "kept": {"total": len(kept), "apps": kept}}


def _candidates(apps: list[App], watches: dict[str, dict]) -> dict:
    """Dormant apps awaiting a person's decision, each with its evidence: the dormancy check's, or the census's."""
    out = []
    for a in sorted((a for a in apps if a.lifecycle == "dorman"), key=lambda a: (a.opd.casefold(), a.name.casefold())):
        watch = watches.get(a.app_id) or {}
        if watch.get("evidence"):
            evidence = {"source": "pemeriksaan", **watch["evidence"]}
        else:
            evidence = {"source": "sensus", "note": a.description or "Status sensus: Tidak Aktif"}
        out.append({"app_id": a.app_id, "name": a.name, "opd": a.opd, "field": a.field, "evidence": evidence})
    return {"total": len(out), "apps": out}


def report(registry: Iterable[App], watches: dict[str, dict] | None = None) -> dict:
    """Counts by audience, kind, lifecycle and field and their crossings, the headline split, the duplicates,
    the dormant candidates and the plan (`watches`: the dormancy check's evidence per app id)."""
    everything = list(registry)
    apps = [a for a in everything if a.kind is not None]  # the census's apps; unclassified ones are only counted
    services = [a for a in apps if a.kind in SERVICE_KINDS]
    active = [a for a in services if a.lifecycle == "aktif"]
    public_fields = [a for a in active if a.audience == "warga" and a.field in WARGAKU_FIELDS]
    return {
        "total": len(apps),
        "unclassified": len(everything) - len(apps),
        "by_audience": _counts(a.audience for a in apps),
        "by_kind": _counts(a.kind for a in apps),
        "by_lifecycle": _counts(a.lifecycle for a in apps),
        "by_field": _counts(a.field for a in apps),
        "by_tier": _counts(a.tier for a in apps),
        "audience_by_kind": _cross(apps, "audience", "kind"),
        "kind_by_lifecycle": _cross(apps, "kind", "lifecycle"),
        "audience_by_lifecycle": _cross(apps, "audience", "lifecycle"),
        "field_by_audience": _cross(apps, "field", "audience"),
        "service_apps": {
            **_by_lifecycle(services),
            "active_in_public_fields": {"total": len(public_fields),
                                        "by_field": {f: sum(a.field == f for a in public_fields)
                                                     for f in WARGAKU_FIELDS}},
            "active_government_administration": sum(a.audience == "pegawai" for a in active),
            "active_other_public_services": sum(a.audience == "warga" and a.field not in WARGAKU_FIELDS
                                                for a in active),
        },
        "profile_websites": _by_lifecycle([a for a in apps if a.kind == "website profil"]),
        "plan": _plan(apps),
        "duplicates": {"rule": duplicates.RULE, "groups": (dups := duplicates.groups(apps)),
                       "total_groups": len(dups), "apps_involved": sum(len(g["apps"]) for g in dups)},
        # every dormant entry, the pilot apps' too (the dormancy check watches bridged apps, classified or not)
        "dormant_candidates": _candidates(everything, watches or {}),
    }
