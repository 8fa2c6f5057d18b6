"""Addresses at rest: sealed with AES-256-GCM under the settings' key, found again by a keyed hash.

Two sub-keys are derived from the one key in the settings (HMAC-SHA256 over a label), so the lookup hash and
the cipher never share a key. The address kind is the associated data: a sealed phone cannot be opened as an
e-mail. Nothing here logs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from palapa.contracts.phone import normalise as normalise_phone
from palapa.contracts.phone import phone_hash

NONCE_BYTES = 12


class Sealer:
    """Seal, open and look up addresses under one key (base64 of 32 bytes)."""

    def __init__(self, key_b64: str, account_key: bytes | None = None) -> None:
        key = base64.b64decode(key_b64, validate=True)
        if len(key) != 32:
            raise ValueError("the messages key must be 32 bytes")
        self._account_key = account_key
        self._cipher = AESGCM(hmac.new(key, b"palapa.notify.contacts.seal", hashlib.sha256).digest())
        self._lookup = hmac.new(key, b"palapa.notify.contacts.lookup", hashlib.sha256).digest()

    def seal(self, kind: str, address: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._cipher.encrypt(nonce, address.encode(), kind.encode())

    def open(self, kind: str, sealed: bytes) -> str:
        return self._cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], kind.encode()).decode()

    def account_hash(self, kind: str, address: str) -> str | None:
        """The gate account hash a phone's account is made of (palapa.contracts.phone), or None (no key, no phone)."""
        if kind != "phone" or not self._account_key:
            return None
        number = normalise_phone(address)
        return phone_hash(number, self._account_key) if number else None

    def lookup(self, kind: str, address: str) -> str:
        """The keyed hash an address is found by (the same address, the same hash; no key, no guessing)."""
        return hmac.new(self._lookup, f"{kind}\x1f{address}".encode(), hashlib.sha256).hexdigest()
