"""Signing keys: a producer's private Ed25519 key (a JWK), and the public keys trusted per app (pure but for joserfc).

A trusted key is registered for one app (the same key may be registered for several, one entry each). It is
valid until it is retired: `retiring` keys stay valid until `retires_at` (the grace period of a rotation),
`retired` ones never are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

#: JWS algorithm (RFC 9864's fully specified name for EdDSA over Ed25519)
ALG = "Ed25519"
#: an entry for every app: only a development trust file may hold it (the testkit's), never the registry
ANY_APP = "*"
STATUSES = ("active", "retiring", "retired")


class SigningKeyError(ValueError):
    """A key or a key set that cannot be used; the message says why."""


def generate(kid: str) -> OKPKey:
    """A new Ed25519 private key named `kid` (e.g. `bridge-curhat-20261207-1`)."""
    if not kid or not kid.isprintable() or len(kid) > 100:
        raise SigningKeyError("a kid is 1 to 100 printable characters")
    return OKPKey.generate_key("Ed25519", parameters={"kid": kid, "alg": ALG, "use": "sig"}, private=True)


def private_jwk(key: OKPKey) -> str:
    """The private key as JWK JSON (what `<PREFIX>SIGNING_KEY_FILE` holds)."""
    return json.dumps(key.as_dict(private=True))


def public_jwk(key: OKPKey) -> dict[str, Any]:
    """The public half as a JWK dict (what the registry and trust files hold)."""
    return {k: v for k, v in key.as_dict(private=False).items() if k in ("kty", "crv", "x", "kid", "alg", "use")}


def load_private(text: str) -> OKPKey:
    """A producer's key from JWK JSON: an Ed25519 private key with a kid; SigningKeyError says what is wrong."""
    key = _import(text)
    if not key.is_private:
        raise SigningKeyError("the signing key is a public key: a producer needs the private JWK (with 'd')")
    return key


def load_public(jwk: dict[str, Any]) -> OKPKey:
    key = _import(jwk)
    return OKPKey.import_key(public_jwk(key)) if key.is_private else key


def _import(value: str | dict) -> OKPKey:
    try:
        data = json.loads(value) if isinstance(value, str) else dict(value)
    except (json.JSONDecodeError, TypeError, ValueError) as exc:
        raise SigningKeyError(f"a signing key must be a JWK object: {exc}") from exc
    if not isinstance(data, dict) or data.get("kty") != "OKP" or data.get("crv") != "Ed25519":
        raise SigningKeyError("a signing key must be an Ed25519 JWK (kty OKP, crv Ed25519)")
    if not isinstance(data.get("kid"), str) or not data["kid"] or not data["kid"].isprintable():
        raise SigningKeyError("a signing key must name itself with a printable kid")
    try:
        return OKPKey.import_key(data)
    except (JoseError, ValueError, TypeError) as exc:
        raise SigningKeyError(f"not a usable Ed25519 JWK: {exc}") from exc


@dataclass(frozen=True)
class TrustedKey:
    """One registered public key of one app."""

    app_id: str
    kid: str
    key: OKPKey
    status: str = "active"
    retires_at: datetime | None = None

    def valid_at(self, now: datetime) -> bool:
        """Not retired, and (while retiring) still within its grace period."""
        if self.status == "retired":
            return False
        return self.retires_at is None or now < self.retires_at


def parse_key_set(doc: Any, *, allow_any_app: bool = False) -> list[TrustedKey]:
    """The entries of a key set (`GET /signing-keys`, or a trust file of the same shape:
    {"keys": [{"app_id", "kid", "jwk", "status", "retires_at"}]}); SigningKeyError names the first bad entry."""
    if not isinstance(doc, dict) or not isinstance(doc.get("keys"), list):
        raise SigningKeyError('a key set is {"keys": [...]}')
    out = []
    for n, entry in enumerate(doc["keys"]):
        if not isinstance(entry, dict):
            raise SigningKeyError(f"keys[{n}] is not an object")
        app, kid, jwk = entry.get("app_id"), entry.get("kid"), entry.get("jwk")
        status = entry.get("status", "active")
        if not isinstance(app, str) or not app or (app == ANY_APP and not allow_any_app):
            only_dev = " ('*' only in development)" if app == ANY_APP else ""
            raise SigningKeyError(f"keys[{n}] needs an app_id{only_dev}")
        if status not in STATUSES:
            raise SigningKeyError(f"keys[{n}] has status {status!r} (one of {', '.join(STATUSES)})")
        if not isinstance(jwk, dict):
            raise SigningKeyError(f"keys[{n}] needs its public jwk")
        key = load_public(jwk)
        if kid != key.kid:
            raise SigningKeyError(f"keys[{n}]: kid {kid!r} is not its jwk's kid {key.kid!r}")
        out.append(TrustedKey(app, kid, key, status, _time(entry.get("retires_at"), n)))
    return out


def _time(value: Any, n: int) -> datetime | None:
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise SigningKeyError(f"keys[{n}].retires_at is not an ISO time") from exc
    return at if at.tzinfo else at.replace(tzinfo=UTC)
