"""The one way a background loop waits, backs off and reports an outage (relay, poller, heartbeat, …)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time


async def pause(stop: asyncio.Event, seconds: float) -> bool:
    """Wait `seconds`, or less if `stop` is set meanwhile; True when the loop should end."""
    if not stop.is_set() and seconds > 0:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=seconds)
    return stop.is_set()


class Backoff:
    """Delays that double from `first` up to `cap` while failures repeat; `reset()` after a success."""

    def __init__(self, first: float = 0.2, cap: float = 5.0) -> None:
        self.first, self.cap = first, cap
        self._delay = first

    def next(self) -> float:
        """The delay to wait now; the one after it is twice as long (at most `cap`)."""
        delay = self._delay
        self._delay = min(self._delay * 2, self.cap)
        return delay

    def reset(self) -> None:
        self._delay = self.first


class Outage:
    """Logs a failing dependency once when it starts failing and once when it is back, not at every retry.

    `failed(exc)` returns True for the first failure of an outage (the caller may add its own report).
    """

    def __init__(self, what: str, log: logging.Logger) -> None:
        self.what, self.log = what, log
        self.since: float | None = None
        self.failures = 0

    @property
    def ongoing(self) -> bool:
        return self.since is not None

    def failed(self, exc: BaseException) -> bool:
        self.failures += 1
        if self.since is not None:
            self.log.debug("%s still failing: %s", self.what, exc)
            return False
        self.since = time.monotonic()
        self.log.warning("%s failing, retrying with backoff: %s", self.what, _brief(exc))
        return True

    def recovered(self) -> None:
        if self.since is None:
            return
        self.log.warning(
            "%s back after %.1fs (%d failed attempts)", self.what, time.monotonic() - self.since, self.failures
        )
        self.since, self.failures = None, 0


def _brief(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 300 else text[:300] + "…"
