"""Masking of a reporter's personal data before it leaves the bridge's own database (pure, stdlib only).

Quarantine events travel on a topic kept 90 days and log lines go wherever logs go: both get masked
copies. The raw legacy row stays in the bridge's quarantine table, next to the legacy app's own data.
Legacy forms are typed by hand, so a NIK or a phone number can sit in any column: every free text is
searched for them too. The generic masking (NIK, phone, e-mail in free text) is palapa.bridgekit.masking.
"""

from __future__ import annotations

from palapa.bridgekit.masking import FIELD_CHARS, head_of, mask_text, printable, safe_text

__all__ = ["FIELD_CHARS", "initials", "mask_nik", "mask_nik_field", "mask_phone", "mask_row", "mask_text", "printable",
           "quote", "safe_text"]
BLANK = {"", "-"}


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
