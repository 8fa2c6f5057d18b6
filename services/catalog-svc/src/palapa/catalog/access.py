"""catalog-svc's protection table: the city's apps and services are public to read, changed only by catalog admins.

A write names the person behind it: `account(who)` is the signed-in account as the registry's history and the
catalog's events record it (the `actor` of a request body, when given, must be that account).
"""

from __future__ import annotations

from palapa.kit.audit.api import AUDIT_RULE
from palapa.kit.auth import Needs, Permission, Principal, ProtectionTable, Public

from .registry.changes import ACTOR, RegistryError

W = Permission.CATALOG_WRITE

TABLE = ProtectionTable("catalog-svc", [
    Public("GET", "/apps", why="the directory lists the city's apps to everyone"),
    Public("GET", "/apps/{app_id}", why="an app's public page: name, OPD, address, liveness"),
    Public("GET", "/apps/{app_id}/history", why="the city's record of its apps: account names and masked reasons"),
    Public("GET", "/opds", why="the OPDs that run apps, for the directory's filters"),
    Public("GET", "/report", why="the rationalization report is published to the city's leaders and citizens"),
    Public("GET", "/report/page", why="the rationalization report's page"),
    Public("GET", "/report/page.css", why="the report page's style sheet"),
    Public("GET", "/directory/search", why="citizens search the city's services"),
    Public("GET", "/directory/services/{service_id}", why="one service of the directory, as the search shows it"),
    Public("GET", "/directory/synonyms", why="the abbreviations the search understands, no personal data"),
    Public("GET", "/directory", why="redirects to the directory page"),
    Public("GET", "/directory/", why="the citizens' directory page"),
    Public("GET", "/directory/app.js", why="the directory page's script"),
    Public("GET", "/directory/style.css", why="the directory page's style sheet"),
    Public("GET", "/directory/lacak", why="redirects to the citizen page"),
    Needs("PATCH", "/apps/{app_id}", W),
    Needs("POST", "/apps/{app_id}/retire", W),
    Needs("POST", "/census", W),
    Needs("POST", "/directory/services", W),
    Needs("DELETE", "/directory/services/{service_id}", W),
    Needs("PUT", "/directory/synonyms/{group_id}", W),
    Needs("DELETE", "/directory/synonyms/{group_id}", W),
    Public("GET", "/signing-keys", why="every consumer verifies events with the producers' public keys"),
    Needs("POST", "/signing-keys", Permission.SIGNING_KEYS),
    Needs("POST", "/signing-keys/{app_id}/{kid}/retire", Permission.SIGNING_KEYS),
    AUDIT_RULE,
])


def account(who: Principal) -> str:
    """The signed-in account as the history names it: the username (or the subject) when it is an account name,
    else `akun-<subject>` (Keycloak subjects are UUIDs, which may start with a digit)."""
    for name in (who.name, who.subject):
        if name and ACTOR.fullmatch(name):
            return name
    cleaned = "".join(ch for ch in who.subject if ch.isascii() and (ch.isalnum() or ch in "._-"))
    return ("akun-" + cleaned)[:64] if cleaned else "akun-tanpa-nama"


def actor_for(who: Principal, given: object) -> str:
    """The actor of a write: the signed-in account; a body's `actor` is refused unless it is that account."""
    mine = account(who)
    if given is None:
        return mine
    if not isinstance(given, str) or not ACTOR.fullmatch(given):
        raise RegistryError("invalid_actor", "actor wajib berupa nama akun petugas (huruf, angka, '.', '_', '-'; "
                                             "2 sampai 64 karakter, diawali huruf; bukan e-mail atau NIK)")
    if given != mine:
        raise RegistryError("actor_mismatch", f"actor harus akun yang masuk ({mine}); perubahan dicatat atas "
                                              "nama orang yang melakukannya", status=403)
    return mine
