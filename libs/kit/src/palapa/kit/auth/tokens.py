"""Validate an OpenID Connect bearer token: signature from the issuer's JWKS, then iss, aud, exp, nbf, iat.

Each refusal is a 401 with its own reason (`token_malformed`, `wrong_issuer`, `bad_signature`,
`token_expired`, `token_not_yet_valid`, `wrong_audience`, `claim_invalid`); the issuer being away is a 503.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from joserfc import jws, jwt
from joserfc.errors import BadSignatureError, ClaimError, ExpiredTokenError, JoseError
from joserfc.jwk import KeySet

from .claims import principal_from_claims
from .keys import Jwks
from .principal import Principal
from .refusals import unauthorized

#: asymmetric algorithms only: an issuer's public key must never verify an HMAC made with it
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519")
MAX_TOKEN_CHARS = 16_384

_DETAIL = {
    "token_malformed": "Token akses tidak dapat dibaca",
    "wrong_issuer": "Token akses diterbitkan oleh penyedia identitas lain",
    "bad_signature": "Tanda tangan token akses tidak sah",
    "token_expired": "Token akses sudah kedaluwarsa; silakan masuk lagi",
    "token_not_yet_valid": "Token akses belum berlaku",
    "wrong_audience": "Token akses tidak ditujukan untuk layanan ini",
    "claim_invalid": "Isi token akses tidak sah",
}


def refuse(reason: str):
    return unauthorized(reason, _DETAIL[reason])


class TokenValidator:
    """Turns a bearer token into a Principal, or raises AuthError with the reason."""

    def __init__(
        self, jwks: Jwks, *, audience: str, leeway_s: int = 30, now: Callable[[], float] = time.time
    ) -> None:
        self.jwks = jwks
        self.issuer = jwks.issuer
        self.audience = audience
        self.leeway_s = leeway_s
        self.now = now

    async def principal(self, token: str) -> Principal:
        claims = await self.claims(token)
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise refuse("claim_invalid")
        return principal_from_claims(claims)

    async def claims(self, token: str) -> dict:
        """The token's claims once its signature and registered claims hold."""
        header, unverified = _peek(token)
        # checked before the signature only to name the reason: a token of another issuer has a key we lack
        if unverified.get("iss") != self.issuer:
            raise refuse("wrong_issuer")
        claims = await self._verified(token, header)
        registry = jwt.JWTClaimsRegistry(
            now=lambda: int(self.now()), leeway=self.leeway_s,
            iss={"essential": True, "value": self.issuer}, exp={"essential": True},
        )
        try:
            registry.validate(claims)
        except ExpiredTokenError as exc:
            raise refuse("token_expired") from exc
        except ClaimError as exc:
            raise refuse("token_not_yet_valid" if exc.claim in ("nbf", "iat") else "claim_invalid") from exc
        if self.audience not in _audiences(claims.get("aud")):
            raise refuse("wrong_audience")
        return claims

    async def _verified(self, token: str, header: dict) -> dict:
        keys = await self.jwks.keys()
        claims = _verify(token, header, keys)
        if claims is None and await self.jwks.refresh():  # an unknown key: perhaps the issuer rotated its keys
            claims = _verify(token, header, await self.jwks.keys())
        if claims is None:
            raise refuse("bad_signature")
        return claims


def _peek(token: str) -> tuple[dict, dict]:
    """Header and claims before any check (to choose the key and name the reason, never to trust)."""
    if not token or len(token) > MAX_TOKEN_CHARS or token.count(".") != 2:
        raise refuse("token_malformed")
    try:
        parsed = jws.extract_compact(token.encode("ascii"))
        header, claims = parsed.headers(), json.loads(parsed.payload)
    except (JoseError, ValueError, UnicodeError) as exc:
        raise refuse("token_malformed") from exc
    if not isinstance(claims, dict) or header.get("alg") not in ALGORITHMS:
        raise refuse("token_malformed")
    return header, claims


def _verify(token: str, header: dict, keys: KeySet) -> dict | None:
    """The claims when a key of `keys` verifies the signature: the `kid`'s, or (no kid) any of the alg's type."""
    kid = header.get("kid")
    candidates = [k for k in keys.keys if k.kid == kid] if kid else list(keys.keys)
    for key in candidates:
        try:
            return jwt.decode(token, key, algorithms=[header["alg"]]).claims
        except (BadSignatureError, JoseError, ValueError):
            continue
    return None


def _audiences(aud) -> list[str]:
    if isinstance(aud, str):
        return [aud]
    return [a for a in aud if isinstance(a, str)] if isinstance(aud, list) else []
