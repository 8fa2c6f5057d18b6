"""Refusals the protection table makes before a route (401/403 on a protected write route) go on the audit log,
bounded so that a flood of bad tokens cannot fill it.

What is kept: the first refusal of each (actor, route, reason) in a window (10 minutes) is written at once, with the
path asked for; the repeats within the window are only counted, and the next record of the same key says how many
there were (`repeats_before`). Every refusal, written or not, counts in `palapa_auth_refusals_total`. So the rows a
flood can write per window are bounded by routes × reasons for unverified callers (whose claims are not trusted:
the actor is `anonim`) plus that per real account holding a valid token; the number of keys remembered is capped
too (`MAX_KEYS`), past which refusals are counted only. Aggregating by key, rather than a plain rate limit, keeps
one record of every distinct refusal: a rate limit would let a flood on one route hide a probe of another.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from ..auth.principal import Principal

log = logging.getLogger(__name__)

ACTION = "access.refused"
WINDOW_S = 600.0
MAX_KEYS = 2000
WRITE_TIMEOUT_S = 3.0  # a database that does not answer must not hold the refusal up for long

Key = tuple[str | None, str, str, str]  # (actor subject or None, method, route template, reason)


@dataclass
class RefusalWindow:
    """Which refusals to write (pure): the first of each key per window, carrying the repeats before it."""

    window_s: float = WINDOW_S
    max_keys: int = MAX_KEYS
    _seen: dict[Key, tuple[float, int]] = field(default_factory=dict)  # key → (window start, repeats since)

    def admit(self, key: Key, now: float) -> int | None:
        """None: only count this one; else write it, with how many repeats of the key went unwritten before it."""
        found = self._seen.get(key)
        if found is not None and now - found[0] < self.window_s:
            self._seen[key] = (found[0], found[1] + 1)
            return None
        if found is None and len(self._seen) >= self.max_keys:
            self._forget_before(now - self.window_s)
            if len(self._seen) >= self.max_keys:
                return None
        self._seen[key] = (now, 0)
        return found[1] if found is not None else 0

    def _forget_before(self, cutoff: float) -> None:
        """Drop keys whose window is over (their unwritten repeats stay counted in the metric only)."""
        for key in [k for k, (start, _) in self._seen.items() if start < cutoff]:
            del self._seen[key]


class RefusalLog:
    """Writes the guard's refusals through the service's unit of work (the row and its AuditRecorded event)."""

    def __init__(self, transaction, metrics=None, window: RefusalWindow | None = None) -> None:
        self.transaction, self.metrics = transaction, metrics
        self.window = window or RefusalWindow()

    async def record(self, who: Principal | None, method: str, template: str, path: str, status: int,
                     reason: str) -> None:
        """Count the refusal, and write it when the window says so; never raises (the refusal is answered anyway)."""
        if self.metrics is not None:
            self.metrics.auth_refusals.labels(status=status, reason=reason).inc()
        repeats = self.window.admit((who.subject if who else None, method, template, reason), time.monotonic())
        if repeats is None:
            return
        after = {"path": path[:300], "status": status, "repeats_before": repeats}
        try:
            async with asyncio.timeout(WRITE_TIMEOUT_S):
                async with self.transaction() as tx:
                    tx.audit(who, ACTION, ("route", f"{method} {template}"), after=after, why=reason)
        except Exception as exc:  # noqa: BLE001 - the record is lost, never the refusal: say so in the log
            log.warning("refusal of %s %s (%s) not written to the audit log: %s: %s", method, template, reason,
                        type(exc).__name__, str(exc)[:200])
