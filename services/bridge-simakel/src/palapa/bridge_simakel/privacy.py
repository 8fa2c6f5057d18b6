"""The applicant's data masked before a quarantined row leaves the bridge's database (event, log).

The raw row stays in the bridge's quarantine table; RowQuarantined (kept 90 days on its topic) gets the name
as initials, the NIK and phone with all but their last digits starred, every other value searched for them.
"""

from __future__ import annotations

from palapa.bridgekit.masking import safe_text

PERSONAL_NUMBERS = ("nik", "telepon")


def initials(name: str) -> str:
    return " ".join(f"{w[0]}." for w in name.split() if w[:1].isalnum())[:40]


def stars(value: str, keep: int = 3) -> str:
    digits = [c for c in value if c.isdigit()]
    return "*" * max(0, len(digits) - keep) + "".join(digits[-keep:]) if len(digits) > keep else "*" * len(digits)


def mask_row(row: dict[str, str | None]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for key, value in row.items():
        if value is None:
            out[key] = None
        elif key == "halaman":  # a refused page's body: it names applicants, and stays in the bridge's table
            out[key] = f"(isi halaman tidak ditampilkan: {len(value):,} karakter)"
        elif key == "nama":
            out[key] = initials(value)
        elif key in PERSONAL_NUMBERS:
            out[key] = stars(value)
        else:
            out[key] = safe_text(value)
    return out
