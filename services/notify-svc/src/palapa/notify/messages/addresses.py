"""Recipients' addresses and the keys derived from them (pure): phones in E.164, e-mail addresses, idempotency.

An address is identity: it is checked here, then only ever stored encrypted (contacts.py) and referred to by a
keyed hash. Nothing in this module logs or returns an address inside an error.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

MAX_EMAIL = 254
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_PHONE_SEPARATORS = re.compile(r"[ ().-]")  # spaces and punctuation people type; never line breaks


class AddressError(ValueError):
    """An address that is not one; the message never repeats the address (it may be someone's identity)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def normalise_phone(raw: str) -> str:
    """An Indonesian or international mobile number as E.164 (+62…): 0812…, 62812…, +62 812-… all agree."""
    if not isinstance(raw, str) or len(raw) > 32:
        raise AddressError("bad_phone", "Nomor telepon tidak sah")
    text = _PHONE_SEPARATORS.sub("", raw.strip())
    if text.startswith("+"):
        digits = text[1:]
    elif text.startswith("0"):
        digits = "62" + text[1:]
    else:
        digits = text
    if not digits.isascii() or not digits.isdigit():
        raise AddressError("bad_phone", "Nomor telepon hanya boleh berisi angka (dan + di depan)")
    if digits.startswith("62"):
        if not digits.startswith("628") or not 10 <= len(digits) <= 15:
            raise AddressError("bad_phone", "Nomor seluler Indonesia dimulai 08 atau +628 dengan 10–15 digit")
    elif not 8 <= len(digits) <= 15 or digits.startswith("0"):
        raise AddressError("bad_phone", "Nomor telepon internasional harus 8–15 digit (E.164)")
    return "+" + digits


def normalise_email(raw: str) -> str:
    """An e-mail address with its domain in lower case; refuses anything odd (spaces, several @, control chars)."""
    if not isinstance(raw, str) or len(raw.strip()) > MAX_EMAIL:
        raise AddressError("bad_email", f"Alamat e-mail tidak sah (maks. {MAX_EMAIL} karakter)")
    text = raw.strip()
    if not text.isascii() or not _EMAIL.match(text):
        raise AddressError("bad_email", "Alamat e-mail tidak sah")
    local, domain = text.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def normalise(channel: str, raw: str) -> tuple[str, str]:
    """(address kind, normalised address) for a channel: phone for WhatsApp and SMS, email for e-mail."""
    if channel == "email":
        return "email", normalise_email(raw)
    if channel in ("whatsapp", "sms"):
        return "phone", normalise_phone(raw)
    raise AddressError("bad_channel", f"Kanal tidak dikenal: {str(channel)[:20]!r}")


def message_key(cause: str, kind: str, recipient: str, channel: str = "") -> str:
    """A message's idempotency key: from the causing event's id (or the API request), its kind and recipient
    (the contact's keyed hash, never the address), so the same cause sends nothing twice."""
    return hashlib.sha256("\x1f".join((cause, kind, recipient, channel)).encode()).hexdigest()


def body_digest(body: Any) -> str:
    """A request body's digest for Idempotency-Key records: equal JSON (any key order) → equal digest."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def fingerprint(template_id: str, body: str) -> str:
    """What makes two messages "identical" for the caps: the same template and the same text."""
    return hashlib.sha256(f"{template_id}\x1f{body}".encode()).hexdigest()[:32]
