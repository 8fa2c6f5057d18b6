"""Client libraries retrying a dead broker log every attempt (aiokafka: ~30 lines a second per client).

This filter lets the first record of each kind through, then one per window with the count held back,
so an outage reads as a few lines instead of thousands.
"""

from __future__ import annotations

import logging
import time

#: loggers whose repeated records are thinned (our own loops log once per outage through loops.Outage)
NOISY = ("aiokafka", "faststream", "palapa.broker")


class RepeatFilter(logging.Filter):
    """At most one record per (logger, level, message template) every `window_s` seconds."""

    def __init__(self, window_s: float = 30.0, prefixes: tuple[str, ...] = NOISY) -> None:
        super().__init__()
        self.window_s, self.prefixes = window_s, prefixes
        self._seen: dict[tuple[str, int, str], list] = {}  # key -> [first shown at, held back since]

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(self.prefixes):
            return True
        key = (record.name, record.levelno, str(record.msg))
        now = time.monotonic()
        seen = self._seen.get(key)
        if seen is not None and now - seen[0] < self.window_s:
            seen[1] += 1
            return False
        if seen is not None and seen[1]:
            record.msg = f"{record.msg} [{seen[1]} more like this in the last {now - seen[0]:.0f}s]"
        if len(self._seen) > 1000:  # templates are few; a flood of distinct texts must not grow this forever
            self._seen.clear()
        self._seen[key] = [now, 0]
        return True


def quiet_repeats(window_s: float = 30.0) -> None:
    """Install the filter on the root logger's handlers (call after logging is configured)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RepeatFilter) for f in handler.filters):
            handler.addFilter(RepeatFilter(window_s))
