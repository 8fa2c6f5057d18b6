"""Test numbers whose last three digits decide what happens, as GOV.UK Notify's test numbers do (pure).

A test number is +62 811 0000 0NNN (`+628110000` then four digits, the last three being NNN below); any
other number is an ordinary phone: accepted, then sent, delivered and read (WhatsApp), with the random
quirks the simulator's settings ask for.

| NNN | WhatsApp                                            | SMS                                     |
|-----|-----------------------------------------------------|-----------------------------------------|
| 000 | not on WhatsApp: refused at send (131026)           | delivered                               |
| 001 | sent, delivered, read                               | sent, delivered                         |
| 002 | sent, delivered (never read)                        | sent, delivered                         |
| 003 | sent, then failed (131026 undeliverable)            | sent, then failed (UNDELIVERED)         |
| 004 | sent, never delivered (phone off)                   | sent, never delivered                   |
| 005 | odd attempts: 429 with Retry-After: 1; then as 001  | odd attempts: 429 with Retry-After: 1   |
| 006 | odd attempts: 500 (131000 temporary); then as 001   | odd attempts: 503; then delivered       |
| 007 | refused at send, permanently (131021-like, 400)     | refused at send: BLACKLISTED (400)      |
| 008 | every status twice and in reverse order             | every status twice, in reverse order    |
| 009 | delivered, then failed (failed after delivered)     | delivered, then failed                  |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Outcome = Literal["not_on_whatsapp", "read", "delivered", "failed", "sent_only", "rate_limited", "temporary",
                  "refused", "shuffled", "failed_after_delivered"]

TEST_PREFIX = "+628110000"
_BY_DIGITS: dict[str, Outcome] = {
    "000": "not_on_whatsapp", "001": "read", "002": "delivered", "003": "failed", "004": "sent_only",
    "005": "rate_limited", "006": "temporary", "007": "refused", "008": "shuffled", "009": "failed_after_delivered",
}


@dataclass(frozen=True)
class Plan:
    """What the simulator does with one accepted message: the statuses it reports, in the order it reports them."""

    statuses: tuple[str, ...]
    duplicate_all: bool = False


def outcome(number: str) -> Outcome | None:
    """The test number's outcome, or None for an ordinary number."""
    if number.startswith(TEST_PREFIX) and len(number) == len(TEST_PREFIX) + 4 and number[-4:].isdigit():
        return _BY_DIGITS.get(number[-3:])
    return None


def plan(number: str, *, channel: Literal["whatsapp", "sms"]) -> Plan:
    """The statuses an accepted message to `number` goes through."""
    kind = outcome(number)
    final = ("sent", "delivered", "read") if channel == "whatsapp" else ("sent", "delivered")
    if kind == "delivered":
        return Plan(("sent", "delivered"))
    if kind == "failed":
        return Plan(("sent", "failed"))
    if kind == "sent_only":
        return Plan(("sent",))
    if kind == "shuffled":
        return Plan(tuple(reversed(final)), duplicate_all=True)
    if kind == "failed_after_delivered":
        return Plan(("sent", "delivered", "failed"))
    return Plan(final)


def refused_at_attempt(number: str, attempt: int) -> Outcome | None:
    """Whether the `attempt`-th (1-based) send to `number` is refused at once, and how."""
    kind = outcome(number)
    if kind in ("rate_limited", "temporary"):
        return kind if attempt % 2 == 1 else None
    if kind in ("not_on_whatsapp", "refused"):
        return kind
    return None
