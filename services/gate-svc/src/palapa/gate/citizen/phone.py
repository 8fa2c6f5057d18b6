"""A citizen's phone number (pure): normalised to +62…, masked for pages, and the account it keys.

The account id is a keyed hash (HMAC-SHA256 with GATE_ACCOUNT_SECRET) of the normalised number: the same number
is the same account after a restart or on another replica, and no store, token or log holds the number itself.
The normaliser and the hash are the contracts' (palapa.contracts.phone): a bridge keys a legacy case's number the
same way, so the citizen can claim it ("Kasus saya").
"""

from __future__ import annotations

from palapa.contracts.phone import account_of, normalise

__all__ = ["account_of", "masked", "normalise"]


def masked(phone: str) -> str:
    """`+6281234567890` → `+62 812****7890`: enough for its owner to recognise, too little for anyone else."""
    national = phone[3:]
    return f"+62 {national[:3]}****{national[-4:]}"
