"""Capabilities: how a person without an account reads and acts on their own case (issue 20, "Anonymous").

A case opened without an account gets a capability (a random URL-safe secret, 256 bits) and a 6-digit PIN. Only
their digests are kept: the capability's SHA-256 (it is long and random, a fast hash is enough) and the PIN's
scrypt with a per-case salt (a PIN is short: the slow hash makes a stolen table costly, and the owning service
locks a ticket's PIN after a few wrong tries). The capability travels in the `X-Case-Key` header, never in a path
or a query (those are logged and traced), and in a link only after `#` (browsers never send the fragment).

Every service checks a key the same way (`matches`); complaint-svc makes them and owns the digests, notify-svc
learns the digest from ComplaintUpdated's `access_hash`. `Citizen` is the gate's signed-in citizen: the kit's guard
sets `request.state.citizen` from the gate's citizen token (X-Citizen-Token, auth/guard.py).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

#: the request header carrying a case's capability (or a read token exchanged for its ticket and PIN)
HEADER = "X-Case-Key"
PIN_DIGITS = 6
_MAX_KEY = 128  # a key longer than this is refused before hashing


def new_capability() -> str:
    """A fresh capability: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def digest(key: str) -> str:
    """The SHA-256 (hex) stored for a capability or a read token: never the key itself."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def matches(key: str | None, stored: str | None) -> bool:
    """Whether `key` is the capability whose digest is `stored` (in constant time)."""
    if not key or not stored or len(key) > _MAX_KEY:
        return False
    return hmac.compare_digest(digest(key), stored)


def new_pin() -> str:
    return f"{secrets.randbelow(10**PIN_DIGITS):0{PIN_DIGITS}d}"


def new_salt() -> str:
    return secrets.token_hex(16)


def pin_digest(pin: str, salt: str) -> str:
    """scrypt (N=2^14, r=8, p=1: ~16 MB and tens of ms) of a PIN with its case's salt, hex."""
    return hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=2**14, r=8, p=1, dklen=32).hex()


def pin_matches(pin: str, salt: str, stored: str) -> bool:
    if not (len(pin) == PIN_DIGITS and pin.isascii() and pin.isdigit()):
        return False
    return hmac.compare_digest(pin_digest(pin, salt), stored)


def key_of(request: Request) -> str | None:
    """The capability or read token a request brings (the header), if any."""
    value = request.headers.get(HEADER)
    return value.strip() if value and value.strip() else None


@dataclass(frozen=True)
class Citizen:
    """A signed-in citizen (the gate's session); `subject` is the account, never the NIK or the phone number."""

    subject: str


def current_citizen(request: Request) -> Citizen | None:
    """The signed-in citizen, when the request brought a valid citizen token from the gate."""
    found = getattr(request.state, "citizen", None)
    return found if isinstance(found, Citizen) else None


#: on a route: the signed-in citizen, or None
MaybeCitizen = Annotated[Citizen | None, Depends(current_citizen)]
#: on a route: the key the request brings, or None
CaseKey = Annotated[str | None, Depends(key_of)]

__all__ = ["HEADER", "CaseKey", "Citizen", "MaybeCitizen", "current_citizen", "digest", "key_of", "matches",
           "new_capability", "new_pin", "new_salt", "pin_digest", "pin_matches"]
