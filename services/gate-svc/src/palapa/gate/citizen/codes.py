"""One-time sign-in codes (pure, in memory): 6 digits, valid 5 minutes, used once, locked after 5 wrong tries.

A code is kept only as an HMAC (with the gate's secret and the challenge's id), never in clear. The browser holds
the challenge's random id (a cookie), not the number. Wrong tries count per account across its challenges, so
asking for a new code does not buy new tries: the fifth wrong one locks the account's sign-in for `lock_s`. Codes
sent to one number are limited too (`sends` per `window_s`), whatever address asks (Caddy limits per address).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import deque
from dataclasses import dataclass, field

DIGITS = 6
MAX_ENTRIES = 100_000  # bounds memory against a flood of numbers


@dataclass(frozen=True)
class Issued:
    challenge: str
    code: str


@dataclass(frozen=True)
class Refused:
    """No code now: `locked` (too many wrong tries) or `too_many` codes sent to this number; wait `wait_s`."""

    why: str
    wait_s: int


@dataclass(frozen=True)
class Verified:
    account: str
    mask: str


@dataclass(frozen=True)
class Wrong:
    tries_left: int


@dataclass
class _Challenge:
    account: str
    mask: str
    digest: bytes
    expires: float


@dataclass
class CodeBook:
    secret: bytes
    ttl_s: float = 300
    max_tries: int = 5
    lock_s: float = 900
    sends: int = 3
    window_s: float = 900
    challenges: dict[str, _Challenge] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    locked: dict[str, float] = field(default_factory=dict)
    sent: dict[str, deque] = field(default_factory=dict)

    def _digest(self, challenge: str, code: str) -> bytes:
        return hmac.new(self.secret, f"{challenge}:{code}".encode(), hashlib.sha256).digest()

    def issue(self, account: str, mask: str, now: float) -> Issued | Refused:
        """A new code for `account` (its earlier code no longer works), unless it is locked or sent too often."""
        self._prune(now)
        if (until := self.locked.get(account, 0)) > now:
            return Refused("locked", max(1, int(until - now)))
        times = self.sent.setdefault(account, deque())
        while times and now - times[0] >= self.window_s:
            times.popleft()
        if len(times) >= self.sends:
            return Refused("too_many", max(1, int(times[0] + self.window_s - now)))
        times.append(now)
        for cid in [c for c, ch in self.challenges.items() if ch.account == account]:
            del self.challenges[cid]
        challenge, code = secrets.token_urlsafe(24), f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
        self.challenges[challenge] = _Challenge(account, mask, self._digest(challenge, code), now + self.ttl_s)
        return Issued(challenge, code)

    def verify(self, challenge: str | None, code: str, now: float) -> Verified | Wrong | Refused | None:
        """The account once `code` is the challenge's (then it is used up); None for an unknown or expired one."""
        found = self.challenges.get(challenge or "")
        if found is None:
            return None
        if now >= found.expires:
            del self.challenges[challenge]
            return None
        if (until := self.locked.get(found.account, 0)) > now:
            return Refused("locked", max(1, int(until - now)))
        code = code.strip()
        if len(code) == DIGITS and code.isascii() and code.isdigit() and hmac.compare_digest(
                self._digest(challenge, code), found.digest):
            del self.challenges[challenge]
            self.failures.pop(found.account, None)
            return Verified(found.account, found.mask)
        failures = self.failures.get(found.account, 0) + 1
        if failures >= self.max_tries:
            self.failures.pop(found.account, None)
            self.locked[found.account] = now + self.lock_s
            del self.challenges[challenge]
            return Refused("locked", int(self.lock_s))
        self.failures[found.account] = failures
        return Wrong(self.max_tries - failures)

    def _prune(self, now: float) -> None:
        if len(self.challenges) >= MAX_ENTRIES:
            self.challenges = {k: c for k, c in self.challenges.items() if c.expires > now}
            while len(self.challenges) >= MAX_ENTRIES:
                self.challenges.pop(next(iter(self.challenges)))
        if len(self.locked) >= MAX_ENTRIES:
            self.locked = {k: t for k, t in self.locked.items() if t > now}
        if len(self.sent) >= MAX_ENTRIES:
            self.sent = {k: t for k, t in self.sent.items() if t and now - t[-1] < self.window_s}
        if len(self.failures) >= MAX_ENTRIES:
            live = {c.account for c in self.challenges.values()}
            self.failures = {k: n for k, n in self.failures.items() if k in live}
