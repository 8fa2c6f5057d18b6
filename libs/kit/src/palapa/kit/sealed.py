"""Personal data a command carries for one consumer only, sealed: never in clear in an event, a log or a dead letter.

A legacy app that is the system of record may need a person's data (Si Makel files a letter under the applicant's
name, NIK and phone). The command carries it as a JWE (`dir`, A256GCM: joserfc, no hand-written cipher) under a key
derived from a secret only its producer and its one consumer hold; the subject it belongs to (the ticket) is sealed
with it and checked on opening, so a sealed value moved into another command does not open there.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from palapa.contracts.identity import Identity

HEADER = {"alg": "dir", "enc": "A256GCM"}
MAX_TOKEN = 4096


class SealError(ValueError):
    """A sealed value that does not open: another key, altered, or sealed for another subject."""


class Sealer:
    """Seal and open small JSON objects under a key derived from `secret` for one `purpose`."""

    def __init__(self, secret: str, purpose: str) -> None:
        if not secret:
            raise ValueError("a sealing secret is required")
        raw = hmac.new(secret.encode(), f"palapa.sealed.{purpose}".encode(), hashlib.sha256).digest()
        self._key = OctKey.import_key(raw)

    def seal(self, subject: str, data: dict[str, str | None]) -> str:
        """`data` for `subject`, as a compact JWE."""
        plain = json.dumps({"sub": subject, "data": data}, ensure_ascii=False, separators=(",", ":"))
        return jwe.encrypt_compact(HEADER, plain.encode(), self._key)

    def open(self, subject: str, token: str) -> dict[str, str | None]:
        """What was sealed for `subject`; SealError when it does not open or was sealed for another."""
        if not isinstance(token, str) or len(token) > MAX_TOKEN:
            raise SealError("sealed value missing or too long")
        try:
            plain = json.loads(jwe.decrypt_compact(token, self._key).plaintext)
        except (JoseError, ValueError, TypeError) as exc:
            raise SealError(f"sealed value does not open ({type(exc).__name__})") from None
        if not isinstance(plain, dict) or plain.get("sub") != subject or not isinstance(plain.get("data"), dict):
            raise SealError("sealed value was sealed for another subject")
        return plain["data"]


def seal_identity(sealer: Sealer, ticket: str, identity: Identity | None) -> str | None:
    """An event's `reporter_sealed` for `ticket` (palapa.contracts.identity); None when there is nobody to seal."""
    return sealer.seal(ticket, identity.data()) if identity else None


def open_identity(sealer: Sealer, ticket: str, sealed: str | None, v1: Identity | None = None) -> Identity | None:
    """The identity an event carries: its sealed one, or what an upcast v1 event carried in clear (`v1`);
    SealError when a sealed one does not open (another key, altered, or moved from another ticket)."""
    if sealed is not None:
        return Identity.model_validate(sealer.open(ticket, sealed))
    return v1 or None
