"""Masking of a reporter's personal data before it leaves the bridge's own database (pure, stdlib only).

Quarantine events travel on a topic kept 90 days and log lines go wherever logs go: both get masked
copies. The raw legacy row stays in the bridge's quarantine table, next to the legacy app's own data.
Legacy forms are typed by hand, so a NIK or a phone number can sit in any column: every free text is
searched for them too.
"""

from __future__ import annotations

import re

# A NIK (or a KK number, also 16 digits) as people type it: 16 or more digits, single spaces, dots or
# dashes allowed between them. A run longer than 16 is masked too: a NIK with a stray digit is still one.
NIK_RUN = re.compile(r"(?<!\d)\d(?:[ .-]?\d){15,}(?!\d)")
# An Indonesian mobile number: 08…, 628… or +628…, 9 to 15 digits with single spaces or dashes.
# '08' must be followed by a digit, so dates like '08-11-2026' or '08:30' never match.
PHONE_RUN = re.compile(r"(?<![\d+])(?:\+62[ -]?8|62[ -]?8|08)\d(?:[ -]?\d){6,12}(?!\d)")
EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)\b")
# C0 controls but tab, newline and carriage return; and lone surrogates, which UTF-8 cannot encode
UNREPRESENTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
NUMBER_TAIL = re.compile(r"[\d .+-]*$")
WORD_TAIL = re.compile(r"\S*$")
BLANK = {"", "-"}
#: A quarantine event shows at most this much of each column (the raw row keeps it all).
FIELD_CHARS = 2000


def mask_nik(nik: str | None) -> str | None:
    """'3576 0123 4567 0002' → '3576********0002'; None unless 16 digits remain without spaces."""
    if nik is None:
        return None
    digits = "".join(nik.split())
    if len(digits) != 16 or not digits.isdigit():
        return None
    return f"{digits[:4]}{'*' * 8}{digits[-4:]}"


def _keep(value: str, head: int, tail: int) -> str:
    """Every letter and digit starred but the first `head` and last `tail`; other characters kept (the shape)."""
    positions = [i for i, c in enumerate(value) if c.isalnum()]
    hidden = set(positions[head:len(positions) - tail] if tail else positions[head:])
    return "".join("*" if i in hidden else c for i, c in enumerate(value))


def _numeric(value: str) -> bool:
    """Digits with separators only (spaces, dots, dashes, a leading plus)."""
    return any(c.isdigit() for c in value) and all(c.isdigit() or c in " .-+" for c in value)


def mask_nik_field(value: str | None) -> str | None:
    """The nik column: a valid NIK as mask_nik; any other number keeps its first and last 4 digits if
    it has 12 or more, else nothing; anything with letters (a name in the wrong column) is starred."""
    if value is None or value.strip() in BLANK:
        return value
    if (masked := mask_nik(value)) is not None:
        return masked
    if _numeric(value):
        n = sum(c.isdigit() for c in value)
        return _keep(value, 4, 4) if n >= 12 else _keep(value, 0, 0)
    return _keep(value, 0, 0)


def mask_phone(value: str | None) -> str | None:
    """The no_hp column: '081234567890' → '*********890' (the last 3 digits kept); letters are starred."""
    if value is None or value.strip() in BLANK:
        return value
    return _keep(value, 0, 3) if _numeric(value) else _keep(value, 0, 0)


def initials(name: str | None) -> str | None:
    """'Siti Aminah' → 'S. A.'; a word that does not start with a letter (a NIK typed as a name) → '*'."""
    if name is None or name.strip() in BLANK:
        return name
    return " ".join(f"{w[0]}." if w[0].isalpha() else "*" for w in name.split())


def _mask_run(match: re.Match, head: int, tail: int) -> str:
    digits = [c for c in match.group() if c.isdigit()]
    return "".join(digits[:head]) + "*" * (len(digits) - head - tail) + "".join(digits[len(digits) - tail:])


def mask_text(text: str | None) -> str | None:
    """Free text with every NIK-like run (first and last 4 digits kept), phone number (last 3 kept)
    and e-mail address (first letter and domain kept) masked."""
    if not text:
        return text
    text = NIK_RUN.sub(lambda m: _mask_run(m, 4, 4), text)
    text = PHONE_RUN.sub(lambda m: ("+" if m.group().startswith("+") else "") + _mask_run(m, 0, 3), text)
    return EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)


def printable(text: str) -> str:
    """Text any database or JSON parser takes: control characters and lone surrogates shown as '\\xNN'."""
    return UNREPRESENTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x80
                               else f"\\u{ord(m.group()):04x}", text)


def head_of(text: str, limit: int) -> str:
    """The first `limit` characters without the number or word the cut falls in.

    Texts are cut before masking (masking megabytes costs seconds): a NIK or a phone number cut in
    half would be too short to be recognised, and would be left readable.
    """
    head, after = text[:limit], text[limit:limit + 1]
    if after and after in "0123456789 .+-":
        return NUMBER_TAIL.sub("", head)
    if after and not after.isspace():
        return WORD_TAIL.sub("", head)
    return head


def safe_text(text: str, limit: int = FIELD_CHARS) -> str:
    """Masked, printable and cut to about `limit` characters: what a log line, a reason or a
    quarantine event may quote."""
    if len(text) <= limit:
        return printable(mask_text(text) or "")
    head = head_of(text, limit)
    return f"{printable(mask_text(head) or '')}… [cut: {len(text):,} characters]"


def mask_row(row: dict[str, str | None]) -> dict[str, str | None]:
    """A legacy row as a quarantine event may carry it: the personal columns masked, every other text
    searched for personal data, all printable and cut to FIELD_CHARS."""
    personal = {"nik": mask_nik_field, "no_hp": mask_phone, "nama_pelapor": initials}
    out: dict[str, str | None] = {}
    for name, value in row.items():
        if value is not None and name in personal:
            value = personal[name](value)
        out[name] = None if value is None else safe_text(value)
    return out


def quote(value: str, limit: int = 60) -> str:
    """A value as a reason may quote it: masked, cut to about `limit` characters, repr'd (controls escaped)."""
    if len(value) <= limit:
        return repr(mask_text(value))
    return f"{mask_text(head_of(value, limit))!r}… ({len(value):,} characters)"
