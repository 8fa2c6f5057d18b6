"""Sign and verify one record: a JWS with a detached payload (RFC 7515 Appendix F) over its canonical form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from .canonical import canonical
from .keys import ALG

_REGISTRY = jws.JWSRegistry(algorithms=[ALG])  # only Ed25519: never "none", never HMAC


class Signer:
    """Signs records with one producer's private key."""

    def __init__(self, key: OKPKey) -> None:
        self.key, self.kid = key, key.kid
        self._protected = {"alg": ALG, "kid": key.kid}

    def sign(self, key: bytes | None, value: bytes | None, headers: Mapping[str, str]) -> str:
        """The `ce_signature` value of a record: `<protected>..<signature>` (the payload left out)."""
        token = jws.serialize_compact(self._protected, canonical(key, value, headers), self.key, registry=_REGISTRY)
        return jws.detach_content(token)


@dataclass(frozen=True)
class Sealed:
    """A signature's protected header, read (not yet verified)."""

    kid: str
    token: str


class SignatureError(ValueError):
    """A signature that cannot be read or does not verify; the message says why (for the dead letter)."""


def read(token: str) -> Sealed:
    """The kid a signature names; SignatureError when it is no detached compact JWS of ours."""
    parts = token.split(".")
    if len(token) > 2000 or len(parts) != 3 or parts[1]:
        raise SignatureError("ce_signature is not a detached compact JWS (<header>..<signature>)")
    try:
        header = jws.extract_compact(token.encode(), b"", _REGISTRY).headers()
    except (JoseError, ValueError, TypeError) as exc:
        raise SignatureError(f"ce_signature cannot be read: {exc}") from exc
    if header.get("alg") != ALG:
        raise SignatureError(f"ce_signature must use {ALG}, not {header.get('alg')!r}")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid or len(kid) > 100 or not kid.isprintable():
        raise SignatureError("ce_signature names no kid")
    return Sealed(kid, token)


def verify(sealed: Sealed, public: OKPKey, key: bytes | None, value: bytes | None, headers: Mapping[str, str]) -> bool:
    """Whether the signature holds over this record with `public`."""
    try:
        jws.deserialize_compact(sealed.token, public, registry=_REGISTRY, payload=canonical(key, value, headers))
    except (JoseError, ValueError, TypeError):
        return False
    return True
