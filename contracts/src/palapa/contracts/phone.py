"""A citizen's phone number as the platform keys it (pure): normalised to +62…, then a keyed hash.

One definition for both sides of a claim: gate-svc makes a phone account from it (`warga-` + `phone_hash`), and a
bridge puts `phone_hash` of the number its legacy app recorded on ComplaintSubmitted.reporter_phone_hash. The key
is the gate's account secret (GATE_ACCOUNT_SECRET; the bridge reads the same secret): the hash is then the account
itself, so complaint-svc matches a case to a citizen without any number in clear. docs/gate.md "Kasus saya".
"""

from __future__ import annotations

import hashlib
import hmac

#: an Indonesian mobile number after +62: 8, then 8 to 11 more digits (e.g. +62 812 3456 7890)
MIN_DIGITS, MAX_DIGITS = 9, 12
#: the account prefix of a phone-verified citizen
ACCOUNT_PREFIX = "warga-"
#: hex digits kept of the HMAC-SHA256 (128 bits)
HASH_CHARS = 32


def normalise(raw: str | None) -> str | None:
    """`0812-3456-7890`, `62 812…`, `+62812…` → `+6281234567890`; None when it is no Indonesian mobile number."""
    if not raw or len(raw) > 32:
        return None
    text = raw.strip()
    plus = text.startswith("+")
    if any(c not in "0123456789-. ()" for c in text[plus:]):
        return None
    digits = "".join(c for c in text if c.isdigit())
    if digits.startswith("62"):
        national = digits[2:]
    elif digits.startswith("0") and not plus:
        national = digits[1:]
    elif digits.startswith("8") and not plus:
        national = digits
    else:
        return None
    if not (national.startswith("8") and MIN_DIGITS <= len(national) <= MAX_DIGITS):
        return None
    return "+62" + national


def phone_hash(phone: str, secret: bytes) -> str:
    """128 bits (hex) of HMAC-SHA256(secret, the normalised number): the key of a phone account and of a case."""
    return hmac.new(secret, phone.encode(), hashlib.sha256).hexdigest()[:HASH_CHARS]


def account_of(phone: str, secret: bytes) -> str:
    """The account a normalised number keys: `warga-` and its phone_hash."""
    return ACCOUNT_PREFIX + phone_hash(phone, secret)


def hash_of_account(account: str) -> str | None:
    """The phone_hash a phone account is made of (None for any other account, e.g. an INApas one)."""
    rest = account.removeprefix(ACCOUNT_PREFIX)
    if rest == account or len(rest) != HASH_CHARS or any(c not in "0123456789abcdef" for c in rest):
        return None
    return rest
