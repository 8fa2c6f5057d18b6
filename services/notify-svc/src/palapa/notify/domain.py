"""Pure rules of the live feed: ticket and resume validation, SSE frame formatting, resume filtering.

SSE framing follows the WHATWG HTML spec, "Server-sent events" (event stream interpretation).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from palapa.contracts.events import TICKET_MAX_LENGTH, is_ticket

#: SSE event names: a complaint's view (ComplaintUpdated) and a tracked ticket's (TicketUpdated, a letter request or an
#: incident). One stream per ticket and one revision sequence per ticket, whichever service owns it.
EVENT_NAME = "complaint.updated"
TICKET_EVENT_NAME = "ticket.updated"
BILL_EVENT_NAME = "bill.updated"  # a PBB bill a citizen follows (FollowedBillUpdated): only on its follower's feed
HEARTBEAT_COMMENT = "keep-alive"
MAX_TICKET_LENGTH = TICKET_MAX_LENGTH
#: The highest revision a client can name: the store's revision column is a 4-byte integer.
MAX_REVISION = 2**31 - 1
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class BadTicketError(ValueError):
    """A ticket id that cannot name a complaint; the message is the citizen-facing reason."""


class BadResumeError(ValueError):
    """A Last-Event-ID that is not a revision; the message is the citizen-facing reason."""


@dataclass(frozen=True)
class Update:
    """One stored or live ComplaintUpdated or TicketUpdated, with the trace context it arrived in."""

    ticket: str
    revision: int
    data: dict[str, Any]
    carrier: dict[str, str] = field(default_factory=dict)
    event: str = EVENT_NAME  # the SSE event name: which view `data` is
    #: the same view as entries of its owner's feed (citizens.py), pushed with it after commit
    feed: tuple[Update, ...] = ()


#: A citizen's feed is a stream like a ticket's, under a key no ticket can have ('@' + account): the hub, the
#: resume rules and the replicas' fan-out serve both alike; its revisions are the account's own sequence.
FEED_PREFIX = "@"


def feed_key(account: str) -> str:
    return FEED_PREFIX + account


def is_feed_key(key: str) -> bool:
    return key.startswith(FEED_PREFIX)


def numbered(account: str, head: int, views: list[Update]) -> list[Update]:
    """The views as the account's feed entries after `head`: one sequence number each, in order."""
    return [Update(feed_key(account), head + i, v.data, v.carrier, v.event) for i, v in enumerate(views, start=1)]


def validate_ticket(raw: str) -> str:
    """The ticket id as given, or BadTicketError with a reason in Bahasa Indonesia."""
    if not is_ticket(raw):
        raise BadTicketError(
            f"Nomor tiket {raw[:MAX_TICKET_LENGTH]!r} tidak valid: gunakan bentuk seperti CURHAT-1042 "
            f"(huruf besar, tanda hubung, angka; paling panjang {MAX_TICKET_LENGTH} karakter)."
        )
    return raw


def parse_last_event_id(header: str | None, query: str | None) -> int:
    """The revision a client already has (0 if none); the header wins over the query parameter."""
    raw = header if header not in (None, "") else query
    if raw is None or raw.strip() == "":
        return 0
    text = raw.strip()
    # ASCII digits only ('٣' is a digit to str.isdigit); the length check keeps int() off huge strings
    if not (text.isascii() and text.isdigit() and len(text) <= 10 and int(text) <= MAX_REVISION):
        raise BadResumeError(
            f"Last-Event-ID {raw[:40]!r} tidak valid: harus berupa nomor revisi "
            f"(bilangan bulat 0 sampai {MAX_REVISION})."
        )
    return int(text)


def format_event(update: Update) -> str:
    """One SSE frame: `event: complaint.updated` (or `ticket.updated`), `id: <revision>`, `data: <the view's JSON>`."""
    body = json.dumps(update.data, ensure_ascii=False, separators=(",", ":"))
    # Compact JSON has no line breaks; split anyway, as the spec joins several data lines with "\n".
    data_lines = "".join(f"data: {line}\n" for line in _LINE_BREAK.split(body))
    return f"event: {update.event}\nid: {update.revision}\n{data_lines}\n"


def missed(updates: Iterable[Update], after: int) -> list[Update]:
    """The updates a client resuming after revision `after` lacks: newer ones, each revision once, in order."""
    by_revision: dict[int, Update] = {}
    for update in updates:
        if update.revision > after:
            by_revision.setdefault(update.revision, update)
    return [by_revision[r] for r in sorted(by_revision)]


@dataclass
class SentRevisions:
    """What one client has been sent: every revision goes out once, never older than the last sent."""

    last: int = 0

    def admit(self, update: Update) -> bool:
        """True (and advance) if the client lacks this update; False for a replayed or stale one."""
        if update.revision <= self.last:
            return False
        self.last = update.revision
        return True

    def gap_before(self, update: Update) -> bool:
        """True if revisions between the last sent and this live one were not seen (fill them from the store)."""
        return update.revision > self.last + 1
