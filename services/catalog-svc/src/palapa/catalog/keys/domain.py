"""Signing keys as the registry keeps them (pure: the stdlib only).

A key is registered for an app (the same key may be for several apps: one registration each). Retiring it starts
a grace period: consumers still accept it until `retires_at`, so producers switch to the new key without downtime.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

APP_ID = re.compile(r"[a-z][a-z0-9-]{1,63}")
KID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")
DEFAULT_GRACE = timedelta(days=1)
MAX_GRACE = timedelta(days=30)
#: the public members of an Ed25519 JWK; anything else (above all the private "d") is refused
PUBLIC_MEMBERS = {"kty", "crv", "x", "kid", "alg", "use"}


class KeyRefusedError(ValueError):
    """A registration or retirement the registry refuses: `reason` (a code) and `detail` (Bahasa Indonesia)."""

    def __init__(self, reason: str, detail: str, status: int = 422) -> None:
        super().__init__(detail)
        self.reason, self.detail, self.status = reason, detail, status


@dataclass(frozen=True)
class SigningKey:
    app_id: str
    kid: str
    jwk: dict[str, Any]
    registered_at: datetime
    registered_by: str
    retires_at: datetime | None = None

    def status(self, now: datetime) -> str:
        if self.retires_at is None:
            return "active"
        return "retiring" if now < self.retires_at else "retired"

    def listed(self, now: datetime) -> dict[str, Any]:
        """Its entry in `GET /signing-keys` (what palapa.kit.signing reads)."""
        return {"app_id": self.app_id, "kid": self.kid, "jwk": self.jwk, "status": self.status(now),
                "retires_at": self.retires_at.isoformat() if self.retires_at else None}


def checked_public_jwk(app_id: str, jwk: Any) -> dict[str, Any]:
    """The public JWK to register for `app_id`, or KeyRefusedError with the reason (a private key is refused: the
    registry never holds one)."""
    if not isinstance(app_id, str) or not APP_ID.fullmatch(app_id):
        raise KeyRefusedError("invalid_app_id", "app_id: huruf kecil, angka dan '-', 2 sampai 64 karakter")
    if not isinstance(jwk, dict):
        raise KeyRefusedError("invalid_jwk", "jwk wajib berupa objek JWK")
    if "d" in jwk:
        raise KeyRefusedError("private_key", "Kunci privat tidak boleh dikirim: daftarkan bagian publiknya saja")
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise KeyRefusedError("invalid_jwk", "Hanya kunci Ed25519 (kty OKP, crv Ed25519) yang diterima")
    if not isinstance(jwk.get("x"), str) or not re.fullmatch(r"[A-Za-z0-9_-]{43}", jwk["x"]):
        raise KeyRefusedError("invalid_jwk", "x wajib berupa kunci publik Ed25519 (base64url, 32 byte)")
    kid = jwk.get("kid")
    if not isinstance(kid, str) or not KID.fullmatch(kid):
        raise KeyRefusedError("invalid_kid", "kid wajib ada: huruf, angka, '.', '_', ':', '-', paling panjang 100")
    if extra := set(jwk) - PUBLIC_MEMBERS:
        raise KeyRefusedError("invalid_jwk", f"Anggota JWK tidak dikenal: {', '.join(sorted(extra))}")
    return {k: jwk[k] for k in sorted(jwk)}


def register(known: list[SigningKey], app_id: str, jwk: dict[str, Any], by: str, now: datetime) -> SigningKey | None:
    """The new registration, None when exactly this one exists (registering again changes nothing), or
    KeyRefusedError: a kid names one key only, and a retired registration is never revived."""
    for key in known:
        if key.kid != jwk["kid"]:
            continue
        if key.jwk.get("x") != jwk["x"]:
            raise KeyRefusedError("kid_taken", f"kid {key.kid} sudah dipakai kunci lain", status=409)
        if key.app_id == app_id:
            if key.retires_at is not None:
                raise KeyRefusedError("key_retired", f"Kunci {key.kid} sudah dipensiunkan untuk {app_id}; "
                                                     "buat kunci baru", status=409)
            return None
    return SigningKey(app_id, jwk["kid"], jwk, now, by)


def retire(key: SigningKey, grace: timedelta, now: datetime) -> SigningKey:
    """The key retiring after `grace` (0: at once); an earlier retirement is kept when it comes sooner."""
    if grace < timedelta(0) or grace > MAX_GRACE:
        raise KeyRefusedError("invalid_grace", f"Masa tenggang 0 sampai {MAX_GRACE.days} hari")
    at = now + grace
    if key.retires_at is not None and key.retires_at <= at:
        return key
    return SigningKey(key.app_id, key.kid, key.jwk, key.registered_at, key.registered_by, at)
