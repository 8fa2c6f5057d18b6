"""The gate as the citizens' token issuer: short-lived JWTs (Ed25519, RFC 9864) naming the account, and its keys.

Services check them with the kit's TokenValidator against this issuer's discovery document and JWKS (CITIZEN_ISSUER,
CITIZEN_AUDIENCE), as they check staff tokens against the city's provider. The private key is GATE_CITIZEN_KEY (an
Ed25519 JWK); without one, in development only, a key is made at start (a restart then voids tokens in flight,
which live minutes and are minted again on the next request).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from joserfc import jwt
from joserfc.jwk import OKPKey

from palapa.kit.signing import generate, load_private, public_jwk

TTL_S = 300
ALG = "Ed25519"


def key_from(jwk_text: str | None) -> OKPKey:
    """The configured private key, or a new one (development: the settings refuse an empty one in production)."""
    if jwk_text:
        return load_private(jwk_text)
    return generate(f"gate-citizen-{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(4)}")


class Minter:
    def __init__(self, issuer: str, audience: str, key: OKPKey, ttl_s: float = TTL_S) -> None:
        self.issuer = issuer.rstrip("/")
        self.audience = audience
        self.key = key
        self.ttl_s = ttl_s

    def mint(self, subject: str, now: float, assurance: int = 2) -> str:
        """A token for `subject`; `assurance` is issue 20's level (2: phone verified)."""
        claims = {"iss": self.issuer, "aud": self.audience, "sub": subject, "iat": int(now), "nbf": int(now),
                  "exp": int(now + self.ttl_s), "jti": secrets.token_urlsafe(12), "acr": f"palapa-{assurance}"}
        return jwt.encode({"alg": ALG, "kid": self.key.kid, "typ": "JWT"}, claims, self.key, algorithms=[ALG])

    def discovery(self) -> dict:
        """The part of an OpenID Connect discovery document a validator reads: the issuer and its keys."""
        return {"issuer": self.issuer, "jwks_uri": self.issuer + "/.well-known/jwks.json",
                "id_token_signing_alg_values_supported": [ALG]}

    def jwks(self) -> dict:
        return {"keys": [public_jwk(self.key)]}
