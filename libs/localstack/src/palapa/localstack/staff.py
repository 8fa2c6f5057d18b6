"""The staff and clients seeded into the local identity provider (`./palapa up` and tests).

Keycloak-shaped claims, as the city's realm gives them: realm roles in `realm_access.roles`, OPD membership as
a group `/opd/<CODE>`. A client-credentials client is a service account (`client_id`, `preferred_username`
`service-account-<client>`). The role names are palapa.kit.auth's `Role` values.
"""

from __future__ import annotations

#: the OAuth client the staff workspace signs in with; its id is the audience of the ID tokens the mock issues
STAFF_CLIENT = "palapa"
STAFF_CLIENT_SECRET = "palapa-local-only"  # the mock accepts any secret; a local value, never a real one


def _person(sub: str, name: str, roles: list[str], opds: list[str] = ()) -> dict:
    return {
        "sub": sub, "preferred_username": sub, "name": name,
        "realm_access": {"roles": [*roles, "offline_access"]},  # and one role of the provider's own
        "groups": [f"/opd/{o}" for o in opds],
    }


def _client(client_id: str, roles: list[str], opd: str) -> dict:
    return {
        "sub": f"service-account-{client_id}", "preferred_username": f"service-account-{client_id}",
        "client_id": client_id, "realm_access": {"roles": roles}, "groups": [f"/opd/{opd}"],
    }


#: who is seeded, by the short name tests and docs use
STAFF: dict[str, dict] = {
    "desk": _person("meja-diskominfo", "Petugas Meja Pengaduan", ["complaints-desk"], ["DISKOMINFO"]),
    "dishub": _person("petugas-dishub", "Petugas Dishub", ["opd-officer"], ["DISHUB"]),
    "dinkes": _person("petugas-dinkes", "Petugas Dinkes", ["opd-officer"], ["DINKES"]),
    "sekda": _person("sekda", "Sekretaris Daerah", ["sekda"]),
    "walikota": _person("wali-kota", "Wali Kota", ["wali-kota"]),
    "catalog": _person("admin-katalog", "Admin Katalog", ["catalog-admin"], ["DISKOMINFO"]),
    "sre": _person("sre", "SRE Diskominfo", ["sre"], ["DISKOMINFO"]),
    "nobody": _person("tamu", "Tanpa Peran", []),  # signs in, holds no role: every protected write refuses it
    "open311-dishub": _client("open311-dishub", ["opd-api-client"], "DISHUB"),
}
