"""A dead letter's content as an operator may see it: identity never in clear (pure).

The kit's audit redaction does most of it: fields named for identity (`nik`, `no_hp`, `email`, …) lose their
value, and NIK-like numbers, Indonesian phone numbers and e-mail addresses inside any text are masked. A dead
letter may also carry a person's name or address, which the audit log never holds: fields named for them are
masked too. A name typed inside free text (a complaint's description) is not recognised; the description is
shown only masked for the patterns above.
"""

from __future__ import annotations

import json
import re
from typing import Any

from palapa.kit.audit import MASK, is_identity_field, redact_text

#: words that mark a field as a person's name or address (any case, snake_case or camelCase)
PERSON_WORDS = frozenset({
    "name", "nama", "fullname", "reporter", "pelapor", "pemohon", "pasien", "patient", "penduduk", "warga",
    "citizen", "owner", "pemilik", "wajib", "alamat", "address", "street", "jalan", "rt", "rw", "birth", "lahir",
    "ibu", "mother", "contact", "kontak",
})
#: fields that name things, not people, though the words above are in them
THING_FIELDS = frozenset({"app_name", "service_name", "opd_name", "topic_name", "event_name", "category_name"})
MAX_DEPTH = 20
MAX_SHOWN = 64 * 1024  # characters of content shown at most


def is_person_field(name: str) -> bool:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    words = [w.lower() for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]
    if "_".join(words) in THING_FIELDS:
        return False
    return any(w in PERSON_WORDS for w in words) or "".join(words) in PERSON_WORDS


def masked(value: Any, depth: int = 0) -> Any:
    """A JSON value with identity, names and addresses masked (dicts and lists walked)."""
    if depth > MAX_DEPTH:
        return MASK
    if isinstance(value, dict):
        return {str(k): MASK if v is not None and (is_identity_field(str(k)) or is_person_field(str(k)))
                else masked(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v, depth + 1) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def masked_content(text: str) -> str:
    """A record's value for display: JSON pretty-printed with every personal field masked; any other text with
    NIK, phone and e-mail patterns masked. Never the original where it could name a person."""
    text = text[:MAX_SHOWN * 4]
    try:
        parsed = json.loads(text)
    except ValueError:
        return redact_text(text[:MAX_SHOWN])
    return json.dumps(masked(parsed), ensure_ascii=False, indent=2)[:MAX_SHOWN]


def masked_headers(headers: dict[str, str]) -> dict[str, str]:
    """Headers for display: CloudEvents attributes are no identity, but a subject or an extension may carry one."""
    return {k: redact_text(v)[:300] for k, v in headers.items()}
