"""Text a person types into the API: printable, so PostgreSQL and every reader can hold it (pure)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

# C0/C1 controls but tab and newlines, and lone surrogates: PostgreSQL text refuses NUL, UTF-8 the surrogates
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(value: str) -> str:
    if (bad := _UNPRINTABLE.search(value)) is not None:
        raise ValueError(f"karakter kendali U+{ord(bad.group()):04X} tidak diizinkan")
    return value


Text = Annotated[str, AfterValidator(printable)]
