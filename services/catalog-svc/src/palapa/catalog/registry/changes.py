"""Changes to a registry entry: checking an edit, what changed (before → after), and the events they publish (pure)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import (
    ACTOR_PATTERN,
    AppChanged,
    AppEntry,
    AppMarkedDormant,
    AppRegistered,
    AppRetired,
    FieldChange,
)

from .domain import AUDIENCES, KINDS, SUPER_APPS, App, InvalidAppError

SOURCE = "/services/catalog-svc"
#: Who the catalog itself is in the history, when events (not a person) changed an entry.
SYSTEM_ACTOR = "catalog-svc"
ACTOR = re.compile(ACTOR_PATTERN)
MAX_REASON = 500
MAX_TEXT = 200
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
BRIDGE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
#: The fields a history entry follows (tier is derived from the bridge, and shown too).
TRACKED = ("name", "opd", "url", "description", "kind", "audience", "field", "lifecycle", "super_app", "cluster",
           "bridge", "channel", "status", "folds_into", "heartbeat_seconds")
#: What PATCH /apps/{id} may change; the lifecycle only between aktif and dorman (retiring has its own route).
EDITABLE = ("name", "opd", "url", "description", "kind", "audience", "field", "lifecycle", "super_app", "cluster",
            "bridge")
EDIT_LIFECYCLES = ("aktif", "dorman")


class RegistryError(ValueError):
    """A change the registry refuses: `reason` for programs, `detail` in Bahasa Indonesia, `status` the HTTP code."""

    def __init__(self, reason: str, detail: str, status: int = 422) -> None:
        super().__init__(detail)
        self.reason, self.detail, self.status = reason, detail, status


@dataclass(frozen=True)
class Change:
    """One change of an entry, as history keeps it and an event tells it."""

    before: App | None  # None: the app enters the registry
    after: App
    action: str  # registered, changed, marked_dormant, retired
    actor: str
    reason: str
    at: datetime
    evidence: dict[str, Any] | None = None  # marked_dormant: the signs of life seen last

    @property
    def fields(self) -> dict[str, tuple[Any, Any]]:
        return diff(self.before, self.after)


def check_who(actor: Any, reason: Any) -> tuple[str, str]:
    """The actor (an account name, not an e-mail or a NIK) and the reason, or RegistryError saying what is missing."""
    if not isinstance(actor, str) or not ACTOR.fullmatch(actor):
        raise RegistryError("invalid_actor", "actor wajib diisi: nama akun petugas (huruf, angka, '.', '_', '-'; "
                                             "2 sampai 64 karakter, diawali huruf; bukan e-mail atau NIK)")
    if not isinstance(reason, str) or not reason.strip():
        raise RegistryError("invalid_reason", "reason wajib diisi: alasan perubahan")
    if len(reason) > MAX_REASON or not reason.isprintable():
        raise RegistryError("invalid_reason", f"reason paling banyak {MAX_REASON} karakter, tanpa karakter kendali")
    return actor, mask(" ".join(reason.split()))


#: A NIK, a phone number or an e-mail in a free-text reason: history and events are no place for personal data.
PERSONAL = re.compile(r"\+?\d[\d .-]{8,}\d|[\w.+-]+@[\w-]+\.[\w.-]+")


def mask(text: str) -> str:
    """The text with NIK-like numbers, phone numbers and e-mail addresses replaced by [disamarkan]."""
    def hide(m: re.Match) -> str:  # a date (8 digits) stays; 10 digits or more is a NIK or a phone number
        return "[disamarkan]" if "@" in m.group() or sum(c.isdigit() for c in m.group()) >= 10 else m.group()

    return PERSONAL.sub(hide, text)


def _text(value: Any, name: str, *, required: bool, limit: int = MAX_TEXT) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit or not value.isprintable():
        raise RegistryError(f"invalid_{name}", f"{name} harus teks 1 sampai {limit} karakter tanpa karakter kendali")
    return " ".join(value.split())


def _choice(value: Any, name: str, allowed: tuple[str, ...], *, nullable: bool = False) -> str | None:
    if value is None and nullable:
        return None
    if value not in allowed:
        raise RegistryError(f"invalid_{name}", f"{name} harus salah satu dari: {', '.join(allowed)}")
    return value


def edit(app: App, patch: dict[str, Any]) -> App:
    """The entry after a person's edit, every value checked; RegistryError names the first bad one."""
    unknown = sorted(set(patch) - set(EDITABLE))
    if unknown:
        raise RegistryError("unknown_field", f"Kolom tidak dapat diubah: {', '.join(unknown)} "
                                             f"(yang dapat diubah: {', '.join(EDITABLE)})")
    if not patch:
        raise RegistryError("empty_change", "Tidak ada kolom yang diubah")
    v: dict[str, Any] = {}
    for name in ("name", "opd"):
        if name in patch:
            v[name] = _text(patch[name], name, required=True)
    if "description" in patch:
        v["description"] = _text(patch["description"], "description", required=False, limit=2000) or ""
    if "field" in patch:
        text = _text(patch["field"], "field", required=False)
        v["field"] = text.casefold() if text else None
    if "url" in patch:
        url = _text(patch["url"], "url", required=False, limit=2000)
        if url is not None and not URL.match(url):
            raise RegistryError("invalid_url", "url harus alamat http(s) yang sah")
        v["url"] = url
    if "kind" in patch:
        v["kind"] = _choice(patch["kind"], "kind", KINDS, nullable=True)
    if "audience" in patch:
        v["audience"] = _choice(patch["audience"], "audience", AUDIENCES)
    if "lifecycle" in patch:
        if patch["lifecycle"] == "pensiun":
            raise RegistryError("use_retire",
                                "Pensiun hanya lewat POST /apps/{app_id}/retire (dengan actor dan reason)")
        v["lifecycle"] = _choice(patch["lifecycle"], "lifecycle", EDIT_LIFECYCLES)
    if "super_app" in patch:
        v["super_app"] = _choice(patch["super_app"], "super_app", SUPER_APPS, nullable=True)
    if "cluster" in patch:
        cluster = _text(patch["cluster"], "cluster", required=False)
        v["cluster"] = cluster.casefold() if cluster else None
    if "bridge" in patch:
        if patch["bridge"] is not None and not (isinstance(patch["bridge"], str) and BRIDGE.fullmatch(patch["bridge"])):
            raise RegistryError("invalid_bridge", "bridge harus nama bridge (huruf kecil, angka, '-') atau null")
        v["bridge"] = patch["bridge"]
    merged = {**{f: getattr(app, f) for f in EDITABLE}, **v}
    _consistent(merged, explicit_cluster="cluster" in patch)
    try:
        return dataclasses.replace(app, **merged)
    except InvalidAppError as exc:  # the entry's own rules, should a combination slip past the checks above
        raise RegistryError("invalid_change", f"Perubahan tidak konsisten: {exc}") from exc


def _consistent(v: dict[str, Any], *, explicit_cluster: bool) -> None:
    """Keep the entry coherent the way the census builds it: a consolidation target is a super-app and a cluster."""
    if v["super_app"] is None and v["cluster"] is not None:
        if explicit_cluster:
            raise RegistryError("invalid_cluster", "cluster hanya diisi bersama super_app")
        v["cluster"] = None
    if v["super_app"] is not None and v["cluster"] is None:
        v["cluster"] = v["field"] or "lainnya"
    want = {"wargaku": "warga", "kantorku": "pegawai"}
    if v["super_app"] is not None and want[v["super_app"]] != v["audience"]:
        raise RegistryError("invalid_super_app", "Wargaku untuk aplikasi warga, Kantorku untuk aplikasi pegawai")
    if v["lifecycle"] == "pensiun" and v["super_app"] is not None:
        raise RegistryError("invalid_super_app", "Aplikasi pensiun tidak dilebur ke super-app")


def retire(app: App) -> App:
    """The entry once retired; RegistryError when it is retired already."""
    if app.lifecycle == "pensiun":
        raise RegistryError("already_retired", f"Aplikasi {app.app_id} sudah pensiun", status=409)
    return dataclasses.replace(app, lifecycle="pensiun", super_app=None, cluster=None)


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, str | int | float) else str(value)


def diff(before: App | None, after: App) -> dict[str, tuple[Any, Any]]:
    """Every tracked field whose value differs (all set fields when the app is new), and the tier when it moved."""
    out = {}
    for name in TRACKED:
        old = None if before is None else getattr(before, name)
        new = getattr(after, name)
        if old != new:
            out[name] = (_plain(old), _plain(new))
    old_tier = None if before is None else before.tier
    if old_tier != after.tier:
        out["tier"] = (old_tier, after.tier)
    return out


def entry(app: App) -> AppEntry:
    return AppEntry(app_id=app.app_id, name=app.name, opd=app.opd, url=app.url, kind=app.kind, audience=app.audience,
                    field=app.field, lifecycle=app.lifecycle, tier=app.tier, super_app=app.super_app,
                    cluster=app.cluster)


def event(change: Change, revision: int) -> Envelope:
    """The catalog event telling this change (key: the app id)."""
    app, at = change.after, change.at
    if change.action == "registered":
        data = AppRegistered(app_id=app.app_id, app=entry(app), revision=revision, actor=change.actor,
                             reason=change.reason, at=at)
    elif change.action == "retired":
        data = AppRetired(app_id=app.app_id, revision=revision, actor=change.actor, reason=change.reason, at=at,
                          previous_lifecycle=change.before.lifecycle if change.before else "aktif")
    elif change.action == "marked_dormant":
        ev = change.evidence or {}
        data = AppMarkedDormant(app_id=app.app_id, revision=revision, actor=change.actor, at=at,
                                last_heartbeat_at=ev.get("last_heartbeat_at"), last_event_at=ev.get("last_event_at"),
                                silent_since=ev["silent_since"], threshold_days=ev["threshold_days"])
    else:
        data = AppChanged(app_id=app.app_id, revision=revision, app=entry(app), actor=change.actor,
                          reason=change.reason, at=at,
                          changes={k: FieldChange(before=b, after=a) for k, (b, a) in change.fields.items()})
    return Envelope(data, source=SOURCE, subject=app.app_id, time=at)
