"""What the callback checks of every provider share: header lookup, the time window, replays, safe reasons.

The replay guard is per process (bounded, in memory): with several notify-svc replicas a callback replayed to
another replica passes it, so replicas need the shared table of seen callbacks that the message store owns.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime

from .base import CallbackRefusedError


class CallbackReplayedError(CallbackRefusedError):
    """The same signed callback seen again within the window: an attacker's replay or the provider's duplicate.
    Its first delivery was already taken, so answering it changes nothing (a receiver may answer 200 or 4xx)."""


def header(headers: Mapping[str, str], name: str) -> str | None:
    """`name` from `headers`, whatever the case of its key (Starlette's headers or a plain dict)."""
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return value


class ReplayGuard:
    """Remembers callbacks (by a key such as their signature) for `window_s`, at most `capacity` of them."""

    def __init__(self, window_s: float, capacity: int = 100_000, clock: Callable[[], float] = time.time) -> None:
        self.window_s, self.capacity, self.clock = window_s, capacity, clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def check_fresh(self, at: float) -> None:
        """Refuse a callback stamped outside the window around now (too old, or from a clock far ahead)."""
        now = self.clock()
        if at < now - self.window_s:
            raise CallbackRefusedError(f"stale callback: stamped {int(now - at)} s ago, the window is "
                                       f"{int(self.window_s)} s")
        if at > now + self.window_s:
            raise CallbackRefusedError("callback stamped in the future, beyond the window")

    def remember(self, key: str) -> None:
        """Record `key`; refuse it when it was already seen within the window."""
        now = self.clock()
        while self._seen and (next(iter(self._seen.values())) < now - self.window_s
                              or len(self._seen) >= self.capacity):
            self._seen.popitem(last=False)  # the oldest first: entries are kept in arrival order
        if key in self._seen:
            raise CallbackReplayedError("replayed callback: already received within the window")
        self._seen[key] = now

    def forget(self, key: str | None) -> None:
        """A remembered callback that could not be applied: its retry is not a replay."""
        if key is not None:
            self._seen.pop(key, None)


_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
_EMAIL = re.compile(r"[^\s@<>\"']+@[^\s@<>\"']+")


def safe_reason(text: object, limit: int = 200) -> str:
    """A provider's words made safe to store and show: no phone number or address in them, bounded."""
    return _EMAIL.sub("[alamat]", _PHONE.sub("[nomor]", str(text)))[:limit]


def retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (delta-seconds or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), 86_400.0)
    try:
        return max(0.0, min(parsedate_to_datetime(value).timestamp() - time.time(), 86_400.0))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
