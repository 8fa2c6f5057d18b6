"""The attacker's table of read routes (issue 20): what every GET route of every service and of gate-svc's pages is,
so that each one is either a reviewed public read (with why) or attacked.

A route whose protection rule needs a staff token (`Needs`, `Authenticated`) is attacked by rule, in-process
(test_attackers_reads.py): it is not listed here. Every other GET route is listed below with one of:

- `Open(why)`: public by design, nothing of a person in it (reviewed: the reason is read in reviews);
- an attack kind, each attacked on the shared platform (tests/e2e/test_attackers_reads.py):
  - `CASE_KEY`: one case, its stream or its Open311 view: the capability (X-Case-Key), its owner's citizen token
    or staff; enumeration, another case's key and no key all refused alike, nothing leaked;
  - `LISTING`: a public listing: never an anonymous case's description or place;
  - `CITIZEN_TOKEN`: a signed-in citizen's own data at a service: the gate's citizen token (forged, expired, for
    another audience or issuer: 401 with its reason; another citizen's: not theirs);
  - `CITIZEN_PAGE`: a gate page of the signed-in citizen (no, forged or signed-out session: to the sign-in);
  - `STAFF_PAGE`: a gate page of staff or operators (no or forged session: to their sign-in);
  - `SIGN_IN`: a step of a sign-in (an OIDC callback, the code form): without its state, refused;
  - `API_KEY`: an OPD client's own record (an API key or a client token): none, a guessed key, a token without
    the role, refused; another client's or an unknown one, the same 404.

A route nobody classified fails test_attackers_reads.py, so the table stays complete.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Open:
    why: str


CASE_KEY, LISTING, CITIZEN_TOKEN = "case_key", "listing", "citizen_token"
CITIZEN_PAGE, STAFF_PAGE, SIGN_IN, API_KEY = "citizen_page", "staff_page", "sign_in", "api_key"
ATTACKED = (CASE_KEY, LISTING, CITIZEN_TOKEN, CITIZEN_PAGE, STAFF_PAGE, SIGN_IN, API_KEY)

DIRECTORY = Open("the directory of the city's services: no person in it")
PAGE_ASSET = Open("a page's script or style sheet")
PUBLISHED = Open("the city's published figures or policy: counts and rules, no case, no account name")

READS: dict[str, dict[str, Open | str]] = {
    "catalog-svc": {
        "/apps": DIRECTORY, "/apps/{app_id}": DIRECTORY, "/opds": DIRECTORY, "/directory": DIRECTORY,
        "/directory/": DIRECTORY,
        "/directory/search": DIRECTORY, "/directory/services/{service_id}": DIRECTORY,
        "/directory/synonyms": DIRECTORY, "/directory/lacak": Open("a redirect to the citizen page"),
        "/directory/app.js": PAGE_ASSET, "/directory/style.css": PAGE_ASSET,
        "/apps/{app_id}/history": Open("the city's record of its apps: account names and reasons masked"),
        "/report": PUBLISHED, "/report/page": PUBLISHED, "/report/page.css": PAGE_ASSET,
        "/signing-keys": Open("public keys: every consumer verifies events with them"),
    },
    "complaint-svc": {
        "/complaints/{ticket}": CASE_KEY, "/open311/v2/requests/{name}": CASE_KEY,
        "/complaints": LISTING, "/open311/v2/requests.{fmt}": LISTING,
        "/citizen/complaints": CITIZEN_TOKEN, "/citizen/complaints/claimable": CITIZEN_TOKEN,
        "/lapor": Open("the complaint form"), "/lapor/{asset}": PAGE_ASSET,
        "/open311/v2/services.{fmt}": DIRECTORY, "/open311/v2/services/{name}": DIRECTORY,
        "/open311/v2/tokens/{name}": Open("a random token's request id: the id alone opens nothing (CASE_KEY)"),
        "/closures": PUBLISHED, "/routes": PUBLISHED, "/routes/history": PUBLISHED, "/stats": PUBLISHED,
        "/stats/on-time": PUBLISHED, "/stats/opd": PUBLISHED,
    },
    "notify-svc": {
        "/tickets/{ticket}": CASE_KEY, "/tickets/{ticket}/events": CASE_KEY,
        "/citizen/events": CITIZEN_TOKEN,  # the citizen's one stream ("Kasus saya", through Caddy at /kasus/aliran)
        "/v2/notifications/{notification_id}": API_KEY,
        "/": Open("the live ticket page (its data comes from CASE_KEY routes)"), "/app.js": PAGE_ASSET,
        "/style.css": PAGE_ASSET, "/layanan": Open("a redirect to the directory page"),
    },
    "taxbill-svc": {
        "/tax-bills/{nop}": Open("a bill by its NOP, as BPKPD's Cek PBB shows it: amount, due date, paid; no name "
                                 "or address; rate-limited per address at the gate"),
        "/citizen/tax-bills": CITIZEN_TOKEN,
    },
    "tracking-svc": {
        "/tickets/{ticket}": CITIZEN_TOKEN, "/citizen/letters": CITIZEN_TOKEN,
        "/citizen/letters/{ticket}": CITIZEN_TOKEN,
        "/citizen/incidents": CITIZEN_TOKEN, "/citizen/incidents/claimable": CITIZEN_TOKEN,
    },
    "gate-svc": {
        "/healthz": Open("liveness probe"), "/readyz": Open("readiness probe: which upstreams answer"),
        "/.well-known/openid-configuration": Open("the citizens' token issuer's discovery document"),
        "/.well-known/jwks.json": Open("the citizens' token issuer's public key"),
        "/_gate/limit": Open("Caddy's rate limiter: the gate answers 404 to anyone else"),
        "/_gate/warga": Open("Caddy's session check for /kasus/aliran: the gate answers 404 to anyone else"),
        "/aset/kasus.js": PAGE_ASSET,
        "/": DIRECTORY, "/cari": DIRECTORY, "/layanan": DIRECTORY, "/layanan/{service_id}": DIRECTORY,
        "/darurat": Open("PSC 119's emergency page: how to call 119"), "/aset/gate.css": PAGE_ASSET,
        "/pajak": Open("a bill by its NOP as in Cek PBB (taxbill-svc's /tax-bills/{nop}); rate-limited per address"),
        "/masuk": Open("the sign-in form"), "/masuk/inapas": Open("starts INApas' sign-in (a new state each time)"),
        "/petugas/masuk": Open("starts staff's sign-in"), "/ops/masuk": Open("starts operators' sign-in"),
        "/masuk/kode": SIGN_IN, "/masuk/inapas/kembali": SIGN_IN, "/petugas/callback": SIGN_IN,
        "/ops/callback": SIGN_IN,
        "/kasus": CITIZEN_PAGE, "/kasus/{ticket}": CITIZEN_PAGE,
        "/surat": Open("the letter form: without a session it asks to sign in first, and shows no data"),
        "/petugas": STAFF_PAGE, "/petugas/kasus/{ticket}": STAFF_PAGE, "/petugas/eskalasi": STAFF_PAGE,
        "/petugas/kinerja": STAFF_PAGE, "/ops": STAFF_PAGE, "/ops/dead-letters/{letter_id}": STAFF_PAGE,
        "/ops/outbox": STAFF_PAGE, "/ops/consumers": STAFF_PAGE, "/ops/layanan": STAFF_PAGE,
        "/ops/bridges": STAFF_PAGE, "/ops/bridges/{app_id}/replay": STAFF_PAGE,
    },
}


def of_kind(kind: str) -> list[tuple[str, str]]:
    """(service, route) of every read route attacked as `kind`."""
    return sorted((service, path) for service, routes in READS.items() for path, k in routes.items() if k == kind)


def gate_forms() -> list[str]:
    """Every POST route of gate-svc, from the app itself (its forms: the e2e table attacks each with CSRF)."""
    from palapa.gate.main import create_app
    from palapa.gate.settings import GateSettings
    from palapa.kit.auth import routes_of

    return sorted(p for m, p in routes_of(create_app(GateSettings(OIDC_ISSUER="http://127.0.0.1:9"))) if m == "POST")
