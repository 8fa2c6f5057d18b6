"""Masking of a refused export line before it leaves the bridge's database (pure, stdlib only).

The export names the taxpayer (NM_WP) and the object's address (ALAMAT_OP): a quarantine event shows only
their initials; every other column goes through the kit's masking (NIK, phone, e-mail typed anywhere).
"""

from __future__ import annotations

from palapa.bridgekit.masking import safe_text

from .translate import COLUMNS, PERSONAL


def initials(value: str) -> str:
    """'SITI AMINAH' → 'S*** A*****': the shape for an operator, not the name."""
    return " ".join(w[:1] + "*" * (len(w) - 1) for w in value.split())


def mask_fields(named: dict[str, str | None]) -> dict[str, str | None]:
    """The columns of a refused line as a quarantine event may carry them."""
    out: dict[str, str | None] = {}
    # columns out of place (a ';' inside a name): a name may sit in any column, so every word is hidden
    shifted = list(named) != list(COLUMNS)
    for name, value in named.items():
        if value is None:
            out[name] = None
        elif name in PERSONAL or (shifted and any(c.isalpha() for c in value)):
            out[name] = initials(safe_text(value, 200))
        else:
            out[name] = safe_text(value, 200)
    return out
