"""The legacy app's incidents in memory, and its paginated change feed.

Every save takes the next change number; GET /api/v1/insiden?setelah=<token> lists each incident changed
after the token once, at its newest version, in change order, and hands out the token after the page.
Ids and change numbers start from the wall clock so a restarted simulator never reuses one.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field
from typing import Any


class BadTokenError(ValueError):
    """The client's cursor is not one this app handed out."""


def token(seq: int) -> str:
    return base64.urlsafe_b64encode(f"psc119:{seq}".encode()).decode().rstrip("=")


def seq_of(text: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        prefix, number = raw.split(":")
        if prefix != "psc119" or not number.isdigit():
            raise ValueError(raw)
        return int(number)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadTokenError(f"token {text[:40]!r} tidak dikenal") from exc


@dataclass
class Store:
    """Incidents by internal id: (change number, item as the API shows it)."""

    items: dict[int, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    last_seq: int = field(default_factory=lambda: int(time.time() * 1000))
    next_id: int = field(default_factory=lambda: int(time.time()) - 1_700_000_000)

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def save(self, key: int, item: dict[str, Any]) -> int:
        """Store this version; returns its change number."""
        self.last_seq += 1
        self.items[key] = (self.last_seq, item)
        return self.last_seq

    def page(self, after: str | None, per_page: int) -> dict[str, Any]:
        """The API's page of changes after the token `after` (None: from the start)."""
        start = seq_of(after) if after else 0
        changed = sorted((seq, item) for seq, item in self.items.values() if seq > start) if self.items else []
        page = changed[:per_page]
        last = page[-1][0] if page else start
        return {"data": [item for _, item in page], "berikutnya": token(last) if last else None,
                "ada_lagi": len(changed) > per_page}
