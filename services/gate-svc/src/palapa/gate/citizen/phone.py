"""A citizen's phone number (pure): normalised to +62…, masked for pages, and the account it keys.

The account id is a keyed hash (HMAC-SHA256 with GATE_ACCOUNT_SECRET) of the normalised number: the same number
is the same account after a restart or on another replica, and no store, token or log holds the number itself.
"""

from __future__ import annotations

import hashlib
import hmac

#: an Indonesian mobile number after +62: 8, then 8 to 11 more digits (e.g. +62 812 3456 7890)
MIN_DIGITS, MAX_DIGITS = 9, 12


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


def masked(phone: str) -> str:
    """`+6281234567890` → `+62 812****7890`: enough for its owner to recognise, too little for anyone else."""
    national = phone[3:]
    return f"+62 {national[:3]}****{national[-4:]}"


def account_of(phone: str, secret: bytes) -> str:
    """The account a normalised number keys: `warga-` and 128 bits of its HMAC."""
    return "warga-" + hmac.new(secret, phone.encode(), hashlib.sha256).hexdigest()[:32]
