"""Masking of personal data in text a bridge lets out of its own database: log lines, reasons, quarantine events.

Pure, stdlib only. Legacy forms are typed by hand, so a NIK, a phone number or an e-mail address can sit in
any column: every free text is searched for them.
"""

from __future__ import annotations

import re

# A NIK (or a KK number, also 16 digits) as people type it: 16 or more digits, single spaces, dots or
# dashes allowed between them. A run longer than 16 is masked too: a NIK with a stray digit is still one.
NIK_RUN = re.compile(r"(?<!\d)\d(?:[ .-]?\d){15,}(?!\d)")
# An Indonesian mobile number: 08…, 628… or +628…, 9 to 15 digits with single spaces or dashes.
# '08' must be followed by a digit, so dates like '08-11-2026' or '08:30' never match.
PHONE_RUN = re.compile(r"(?<![\d+])(?:\+62[ -]?8|62[ -]?8|08)\d(?:[ -]?\d){6,12}(?!\d)")
# an address starts where a run of address characters starts (not anywhere inside one: trying every start of a
# long run without '@' was quadratic, minutes for a 900 KiB row)
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)\b")
# C0 controls but tab, newline and carriage return; and lone surrogates, which UTF-8 cannot encode
UNREPRESENTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
NUMBER_TAIL = re.compile(r"[\d .+-]*$")
WORD_TAIL = re.compile(r"\S*$")
#: A quarantine event shows at most this much of each column (the raw row keeps it all).
FIELD_CHARS = 2000


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
