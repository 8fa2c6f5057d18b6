"""Identity never enters the audit log: NIK, phone numbers and e-mail addresses are masked out of before/after.

Pure. A field whose name says identity (`nik`, `no_hp`, `phoneNumber`, `email`, …) loses its value whatever
it holds; anywhere else, text that looks like a NIK (16 digits), a phone number (Indonesian mobile, with or
without +62) or an e-mail address is replaced in place. Names of people are not matched: the services' own
privacy rules keep them out of what they audit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MASK = "[disamarkan]"
#: words that mark a field as identity, in any case or spelling (snake_case, camelCase, kebab-case)
IDENTITY_WORDS = frozenset({
    "nik", "ktp", "noktp", "kk", "phone", "telepon", "telp", "tel", "hp", "nohp", "handphone", "ponsel",
    "whatsapp", "wa", "msisdn", "mobile", "email", "mail", "surel",
})
PATTERNS = (
    # bounded repeats (RFC 5321's lengths): an unbounded `[\w.+-]+@` backtracks quadratically on long words
    (re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}"), "[email]"),
    (re.compile(r"(?<!\d)\d{16}(?!\d)"), "[NIK]"),
    (re.compile(r"(?<![\w+])(?:\+?62|0)[\s-]?8\d(?:[\s-]?\d){6,11}(?!\d)"), "[telepon]"),
)
MAX_DEPTH = 20


def redact(value: Any, _depth: int = 0) -> Any:
    """`value` with identity masked (dicts, lists and tuples walked; other scalars kept as they are)."""
    if _depth > MAX_DEPTH:
        return MASK  # deeper than any real record: not worth the risk of walking it
    if isinstance(value, Mapping):
        return {str(k): MASK if is_identity_field(str(k)) and v is not None else redact(v, _depth + 1)
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v, _depth + 1) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def redact_text(text: str) -> str:
    for pattern, mask in PATTERNS:
        text = pattern.sub(mask, text)
    return text


def is_identity_field(name: str) -> bool:
    """True when a field's name marks identity: `nik`, `reporter_phone`, `noHp`, `e-mail`, `email_pelapor`."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    words = [w.lower() for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]
    return any(w in IDENTITY_WORDS for w in words) or "".join(words) in IDENTITY_WORDS
