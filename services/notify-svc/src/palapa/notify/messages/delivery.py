"""A message's life (pure): the status machine, retries with backoff, and the fallback from WhatsApp to SMS.

    queued → sending → sent → delivered → read;  failed from queued/sending/sent
A status never moves backwards: a late "sent" after "delivered" changes nothing. A "failed" after "delivered"
(WhatsApp reports one when, e.g., a message expires on a second device) does not undo a delivery: it is kept in
the history only. Delivery evidence beats an earlier failure: "delivered" or "read" after "failed" is believed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Status(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


RANK = {Status.QUEUED: 0, Status.SENDING: 1, Status.SENT: 2, Status.DELIVERED: 3, Status.READ: 4}
DELIVERED = frozenset({Status.DELIVERED, Status.READ})
FINAL = frozenset({Status.READ, Status.FAILED})


def advance(current: str, reported: str) -> Status | None:
    """The status after `reported` arrives for a message in `current`, or None when it changes nothing."""
    now, new = Status(current), Status(reported)
    if new == now:
        return None
    if new is Status.FAILED:
        return None if now in DELIVERED else Status.FAILED
    if now is Status.FAILED:
        return new if new in DELIVERED else None
    return new if RANK[new] > RANK[now] else None


def falls_back(channel: str, *, not_on_channel: bool = False, permanent: bool = True) -> str | None:
    """The channel to try after `channel` failed for good (WhatsApp → SMS), or None."""
    if channel == "whatsapp" and (permanent or not_on_channel):
        return "sms"
    return None


@dataclass(frozen=True)
class Retry:
    """Temporary failures are retried after `first`, doubling up to `cap`, `attempts` times in all."""

    attempts: int = 6
    first: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(minutes=30)

    def next_at(self, attempt: int, now: datetime, retry_after_s: float | None = None) -> datetime | None:
        """When to try again after failed attempt number `attempt` (1-based), or None: give up.
        A provider's Retry-After is honoured when it asks for longer than the backoff (capped)."""
        if attempt >= self.attempts:
            return None
        delay = min(self.first * (2 ** (attempt - 1)), self.cap)
        if retry_after_s is not None and retry_after_s > 0:
            delay = max(delay, min(timedelta(seconds=retry_after_s), self.cap))
        return now + delay
