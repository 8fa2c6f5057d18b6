"""A link of the one list naming several processes: `name=http://host:port name2=…` (e.g. the gate's OUTBOX_URLS,
ops-svc's CONSUMERS_URLS)."""

from __future__ import annotations


def process_urls(setting: str) -> dict[str, str]:
    """`name=http://host:port name2=…` → {name: base URL}; malformed parts are skipped."""
    found = {}
    for part in setting.split():
        name, _, url = part.partition("=")
        if name and url.startswith(("http://", "https://")):
            found[name] = url.rstrip("/")
    return found
