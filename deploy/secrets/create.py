"""Makes every secret docker-compose.yml reads, each a file in this folder, where one is missing; an existing one
is kept (delete a file, run again and restart what reads it to rotate it: docs/secrets.md).

    python3 deploy/secrets/create.py

The folder is made private (0700) and git-ignored. The files themselves are readable by all (0644) because compose
bind-mounts each into its container, where the service runs as its own user: only the folder keeps others out.
Standard library only: it runs before any environment is installed.
"""

from __future__ import annotations

import base64
import secrets
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
DECLARATION = HERE.parent / "services.toml"
LEGACY_USER, LEGACY_HOST, LEGACY_DATABASE = "curhat", "legacy-db:3306", "curhat"

#: secret → what it is (docs/secrets.md tells how to rotate each)
FIXED = {
    "postgres-password": "the platform database's password (PostgreSQL's palapa user, every service)",
    "legacy-db-password": "the legacy apps' stand-in MariaDB user's password",
    "legacy-database-url": "the legacy database URL the bridges and simulators read (carries legacy-db-password)",
    "keycloak-admin-password": "Keycloak's bootstrap admin",
    "psc119-webhook-secret": "the HMAC key PSC 119 signs its webhooks with",
    "quarantine-key": "the key of the hash by which a bridge finds a quarantined row again",
    "grafana-admin-password": "Grafana's admin (the dashboards in deploy/monitoring)",
    "whatsapp-access-token": "notify-svc's bearer token at the WhatsApp Business Cloud API (sim-whatsapp here)",
    "whatsapp-app-secret": "the app secret WhatsApp signs its status webhooks with (X-Hub-Signature-256)",
    "sms-api-secret": "the SMS gateway's API secret: requests and delivery reports are signed with it",
    "notify-messages-key": "the key notify-svc encrypts citizens' phone numbers and e-mails with (32 bytes, base64)",
    "gate-notify-api-key": "gate-svc's API key at notify-svc (the citizens' one-time codes); both read this file",
    "gate-account-secret": "the HMAC key a citizen's account id is made with from their phone number (gate-svc)",
}


def kafka_users(path: Path = DECLARATION) -> list[str]:
    """The broker's users: the topics step and every process of the list that uses Kafka (not a simulator, and
    reading or writing a topic)."""
    listed = tomllib.loads(path.read_text(encoding="utf-8"))["service"]
    return ["topics", *(p["name"] for p in listed
                        if p["kind"] != "simulator" and (p.get("reads") or p.get("writes")))]


def names() -> list[str]:
    """Every secret's file name."""
    return [*FIXED, *(f"kafka-{user}" for user in kafka_users())]


def value(name: str, folder: Path) -> str:
    if name == "legacy-database-url":
        password = (folder / "legacy-db-password").read_text(encoding="utf-8").strip()
        return f"mysql+aiomysql://{LEGACY_USER}:{password}@{LEGACY_HOST}/{LEGACY_DATABASE}"
    if name == "notify-messages-key":
        return base64.b64encode(secrets.token_bytes(32)).decode()
    return secrets.token_hex(32)  # 64 hex characters: safe in URLs and in Kafka's SCRAM config syntax


def create(folder: Path = HERE) -> list[str]:
    """Write the missing secrets into `folder`; returns the names written."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    written = []
    for name in names():  # legacy-db-password comes before the URL that carries it
        path = folder / name
        if path.exists():
            continue
        path.write_text(value(name, folder) + "\n", encoding="utf-8")
        path.chmod(0o644)
        written.append(name)
    return written


if __name__ == "__main__":
    made = create()
    print("\n".join(f"created deploy/secrets/{n}" for n in made) or "every secret exists already")
    sys.exit(0)
