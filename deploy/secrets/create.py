"""Makes every secret docker-compose.yml reads, each a file in this folder, where one is missing; an existing one
is kept (delete a file, run again and restart what reads it to rotate it: docs/secrets.md).

    python3 deploy/secrets/create.py                          # every missing secret
    python3 deploy/secrets/create.py --rotate-signing-key P   # a new event-signing key for process P
    python3 deploy/secrets/create.py --kubectl NAMESPACE      # the kubectl commands giving them to Kubernetes

Each producing process (one with `writes` in deploy/services.toml) gets its own Ed25519 private JWK,
`signing-<process>`, and `signing-public-keys` collects the public halves (for the apps each key speaks for):
catalog-svc registers that set at start and every consumer trusts it until catalog-svc answers (docs/access.md,
"Signed events").

The folder is made private (0700) and git-ignored. The files themselves are readable by all (0644) because compose
bind-mounts each into its container, where the service runs as its own user: only the folder keeps others out.
Standard library only: it runs before any environment is installed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import secrets
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
DECLARATION = HERE.parent / "services.toml"
BRIDGES = HERE.parent / "bridges"  # the YAML-onboarded apps bridge-mapped speaks for
PUBLIC_KEYS = "signing-public-keys"
LEGACY_USER, LEGACY_HOST, LEGACY_DATABASE = "curhat", "legacy-db:3306", "curhat"

#: secret → what it is (docs/secrets.md tells how to rotate each)
FIXED = {
    "postgres-password": "the platform database's password (PostgreSQL's palapa user, every service)",
    "legacy-db-password": "the legacy apps' stand-in MariaDB user's password",
    "legacy-database-url": "the legacy database URL the bridges and simulators read (carries legacy-db-password)",
    "keycloak-admin-password": "Keycloak's bootstrap admin",
    "psc119-webhook-secret": "the HMAC key PSC 119 signs its webhooks with",
    "quarantine-key": "the key of the hash by which a bridge finds a quarantined row again",
    "simakel-applicant-key": "seals a letter's applicant (name, NIK, phone) from tracking-svc for bridge-simakel only",
    "grafana-admin-password": "Grafana's admin (the dashboards in deploy/monitoring)",
    "whatsapp-access-token": "notify-svc's bearer token at the WhatsApp Business Cloud API (sim-whatsapp here)",
    "whatsapp-app-secret": "the app secret WhatsApp signs its status webhooks with (X-Hub-Signature-256)",
    "sms-api-secret": "the SMS gateway's API secret: requests and delivery reports are signed with it",
    "reporter-key": "seals a complaint's reporter (name, phone, e-mail, private link) on its events: complaint-svc, "
                    "notify-svc and bridge-curhat",
    "complaint-contacts-key": "the key complaint-svc seals the reporters it keeps with",
    "notify-messages-key": "the key notify-svc encrypts citizens' phone numbers and e-mails with (32 bytes, base64)",
    "gate-notify-api-key": "gate-svc's API key at notify-svc (the citizens' one-time codes); both read this file",
    "gate-account-secret": "the HMAC key a citizen's account id is made with from their phone number (gate-svc; "
                           "bridge-curhat and bridge-psc119 key a reporter's or caller's number with it, so a "
                           "citizen can claim the case)",
    "ops-svc-client-secret": "ops-svc's client secret at Keycloak (its lag sampler's client-credentials grant)",
    "gate-citizen-key": "gate-svc's Ed25519 private JWK for citizens' tokens (X-Citizen-Token); every service checks "
                        "them against its public half (CITIZEN_ISSUER's JWKS)",
}
#: the Kubernetes Secret (key `jwk`) the generated gate-svc Deployment reads GATE_CITIZEN_KEY from
CITIZEN_KEY_SECRET = "gate-svc-citizen-key"
#: Keycloak imports its realm file as written: a client secret there is the realm's (development) one, not random
REALM_SECRETS = {"ops-svc-client-secret": "palapa-dev-ops-svc-secret"}


def kafka_users(path: Path = DECLARATION) -> list[str]:
    """The broker's users: the topics step and every process of the list that uses Kafka (not a simulator, and
    reading or writing a topic)."""
    listed = tomllib.loads(path.read_text(encoding="utf-8"))["service"]
    return ["topics", *(p["name"] for p in listed
                        if p["kind"] != "simulator" and (p.get("reads") or p.get("writes")))]


def _listed(path: Path = DECLARATION) -> list[dict]:
    return tomllib.loads(path.read_text(encoding="utf-8"))["service"]


def producers(path: Path = DECLARATION) -> list[str]:
    """The processes that publish events, each with its own signing key: every one of the list that writes a topic."""
    return [p["name"] for p in _listed(path) if p["kind"] != "simulator" and p.get("writes")]


def apps_of(name: str, path: Path = DECLARATION) -> list[str]:
    """The apps a process's key speaks for (as palapa.devstack.keys.apps_of): itself, the legacy apps it bridges,
    and for bridge-mapped every app its mapping files onboard."""
    (process,) = [p for p in _listed(path) if p["name"] == name]
    apps = [name, *process.get("apps", [])]
    if name == "bridge-mapped":
        apps += [m for f in sorted(BRIDGES.glob("*.yaml"))
                 for m in re.findall(r"(?m)^app_id:\s*([a-z0-9-]+)\s*$", f.read_text(encoding="utf-8"))]
    return apps


def names() -> list[str]:
    """Every secret's file name."""
    return [*FIXED, *(f"kafka-{user}" for user in kafka_users()), *(f"signing-{p}" for p in producers()),
            PUBLIC_KEYS]


def value(name: str, folder: Path) -> str:
    if name == "legacy-database-url":
        password = (folder / "legacy-db-password").read_text(encoding="utf-8").strip()
        return f"mysql+aiomysql://{LEGACY_USER}:{password}@{LEGACY_HOST}/{LEGACY_DATABASE}"
    if name in REALM_SECRETS:
        return REALM_SECRETS[name]
    if name == "notify-messages-key":
        return base64.b64encode(secrets.token_bytes(32)).decode()
    if name.startswith("signing-"):
        return private_jwk(name.removeprefix("signing-"))
    if name == "gate-citizen-key":
        return private_jwk("gate-citizen")
    return secrets.token_hex(32)  # 64 hex characters: safe in URLs and in Kafka's SCRAM config syntax


def create(folder: Path = HERE) -> list[str]:
    """Write the missing secrets into `folder`; returns the names written."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    written = []
    for name in names():  # legacy-db-password comes before the URL that carries it
        path = folder / name
        if name == PUBLIC_KEYS or path.exists():
            continue
        _write(path, value(name, folder))
        written.append(name)
    if _collect_public_keys(folder):
        written.append(PUBLIC_KEYS)
    return written


def rotate_signing_key(process: str, folder: Path = HERE) -> str:
    """A new key for `process` (its kid the next of the day), its public half added to the set beside the old
    one's; returns the new kid. The old key stays valid until it is retired in catalog-svc (docs/secrets.md)."""
    if process not in producers():
        raise SystemExit(f"{process} is not a producing process of deploy/services.toml")
    path = folder / f"signing-{process}"
    old = json.loads(path.read_text(encoding="utf-8"))["kid"] if path.exists() else ""
    _write(path, private_jwk(process, after=old))
    _collect_public_keys(folder)
    return json.loads(path.read_text(encoding="utf-8"))["kid"]


def _write(path: Path, text: str) -> None:
    path.write_text(text + "\n", encoding="utf-8")
    path.chmod(0o644)


def _collect_public_keys(folder: Path) -> bool:
    """Add each current key's public half, for each app it speaks for, to the public set; an entry is never removed
    here (catalog-svc retires keys). Returns whether the set changed."""
    path = folder / PUBLIC_KEYS
    doc = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"keys": []}
    known = {(e["app_id"], e["kid"]) for e in doc["keys"]}
    for process in producers():
        key_file = folder / f"signing-{process}"
        if not key_file.exists():
            continue
        jwk = {k: v for k, v in json.loads(key_file.read_text(encoding="utf-8")).items() if k != "d"}
        for app in apps_of(process):
            if (app, jwk["kid"]) not in known:
                doc["keys"].append({"app_id": app, "kid": jwk["kid"], "jwk": jwk})
                known.add((app, jwk["kid"]))
    text = json.dumps(doc, indent=1)
    if path.exists() and path.read_text(encoding="utf-8").strip() == text:
        return False
    _write(path, text)
    return True


# --- Ed25519 keys with the standard library (RFC 8032) -----------------------------------------------------------
# Only key generation is done here: a random 32-byte seed is the private key, and the public key is the seed's
# clamped hash times the base point. Signing and verifying stay with joserfc (palapa.kit.signing), which loads these
# JWKs and refuses one whose halves disagree; tests/deploy/test_signing_keys.py checks the public keys against the
# cryptography library's. No secret-dependent timing matters here: a key is made once, offline, by the operator.

_P = 2**255 - 19
_D = -121665 * pow(121666, _P - 2, _P) % _P


def _point_add(p: tuple, q: tuple) -> tuple:
    """Twisted Edwards addition in extended coordinates (RFC 8032, section 5.1.4)."""
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return e * f % _P, g * h % _P, f * g % _P, e * h % _P


def _base_point() -> tuple:
    y = 4 * pow(5, _P - 2, _P) % _P
    xx = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    x = pow(xx, (_P + 3) // 8, _P)
    if (x * x - xx) % _P:
        x = x * pow(2, (_P - 1) // 4, _P) % _P
    if x & 1:
        x = _P - x
    return x, y, 1, x * y % _P


def ed25519_public(seed: bytes) -> bytes:
    """The public key of a 32-byte Ed25519 private key (RFC 8032, section 5.1.5)."""
    digest = hashlib.sha512(seed).digest()
    scalar = (int.from_bytes(digest[:32], "little") & ((1 << 254) - 8)) | (1 << 254)
    result, point = (0, 1, 1, 0), _base_point()
    while scalar:
        if scalar & 1:
            result = _point_add(result, point)
        point, scalar = _point_add(point, point), scalar >> 1
    z = pow(result[2], _P - 2, _P)
    x, y = result[0] * z % _P, result[1] * z % _P
    return (y | (x & 1) << 255).to_bytes(32, "little")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def private_jwk(process: str, *, after: str = "") -> str:
    """A new private JWK for `process`, kid `<process>-<yyyymmdd>-<n>` (n one more than `after`'s of the same day)."""
    day = f"{process}-{datetime.now(UTC):%Y%m%d}-"
    n = int(after.removeprefix(day)) + 1 if after.startswith(day) and after.removeprefix(day).isdigit() else 1
    seed = secrets.token_bytes(32)
    return json.dumps({"kty": "OKP", "crv": "Ed25519", "x": _b64(ed25519_public(seed)), "d": _b64(seed),
                       "kid": f"{day}{n}", "alg": "Ed25519", "use": "sig"})


def kubectl(namespace: str, folder: Path = HERE) -> list[str]:
    """The commands that give the signing keys to Kubernetes: a Secret per producing process (the generated
    Deployments mount `<process>-signing-key`), the ConfigMap of public keys every process reads, and gate-svc's
    citizen-token key (`gate-svc-citizen-key`)."""
    def apply(kind: str, name: str, source: str) -> str:
        return (f"kubectl -n {namespace} create {kind} {name} --from-file={source} --dry-run=client -o yaml"
                f" | kubectl -n {namespace} apply -f -")
    return [*(apply("secret generic", f"{p}-signing-key", f"jwk={folder / f'signing-{p}'}") for p in producers()),
            apply("configmap", "palapa-signing-keys", f"keys.json={folder / PUBLIC_KEYS}"),
            apply("secret generic", CITIZEN_KEY_SECRET, f"jwk={folder / 'gate-citizen-key'}")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rotate-signing-key", metavar="PROCESS", help="make PROCESS a new event-signing key")
    parser.add_argument("--kubectl", metavar="NAMESPACE",
                        help="print the kubectl commands for the signing keys and the citizen-token key")
    args = parser.parse_args(argv)
    made = create()
    print("\n".join(f"created deploy/secrets/{n}" for n in made) or "every secret exists already")
    if args.rotate_signing_key:
        kid = rotate_signing_key(args.rotate_signing_key)
        print(f"deploy/secrets/signing-{args.rotate_signing_key}: new key {kid}; its public half is in "
              f"deploy/secrets/{PUBLIC_KEYS} (docs/secrets.md: register, restart, retire the old one)")
    if args.kubectl:
        print("\n".join(kubectl(args.kubectl)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
