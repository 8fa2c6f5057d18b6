"""In-process fan-out: every committed update goes to each live subscriber of its ticket.

Each subscriber has a bounded queue. A client that falls that far behind is dropped rather than
buffered without limit: its stream ends, and the browser reconnects with Last-Event-ID and replays
the missed revisions from the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from .domain import Update

log = logging.getLogger(__name__)

_DROPPED = object()


class Subscriber:
    """One live client's queue of updates for one ticket."""

    def __init__(self, ticket: str, maxsize: int) -> None:
        self.ticket = ticket
        self.dropped = False
        self._queue: asyncio.Queue = asyncio.Queue(maxsize=maxsize)

    def offer(self, update: Update) -> bool:
        """Queue an update without waiting; on overflow drop this subscriber and return False."""
        if self.dropped:
            return False
        try:
            self._queue.put_nowait(update)
            return True
        except asyncio.QueueFull:
            self.close()
            return False

    def close(self) -> None:
        """End this subscriber's stream: discard what is queued and leave only the end marker."""
        self.dropped = True
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(_DROPPED)

    async def next(self) -> Update | None:
        """The next live update, or None once the subscriber was dropped or the hub closed."""
        item = await self._queue.get()
        if item is _DROPPED:
            self._queue.put_nowait(_DROPPED)  # stay ended for any later call
            return None
        return item


class Hub:
    """Live subscribers by ticket."""

    def __init__(self, queue_size: int = 64) -> None:
        self.queue_size = queue_size
        self._subscribers: dict[str, set[Subscriber]] = defaultdict(set)
        self.dropped_total = 0

    def subscribe(self, ticket: str) -> Subscriber:
        """Register a live client of `ticket` (do this before replaying history, so nothing falls between)."""
        sub = Subscriber(ticket, self.queue_size)
        self._subscribers[ticket].add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        subs = self._subscribers.get(sub.ticket)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._subscribers[sub.ticket]

    def publish(self, update: Update) -> int:
        """Hand an update to every subscriber of its ticket; returns how many took it."""
        delivered = 0
        for sub in list(self._subscribers.get(update.ticket, ())):
            if sub.offer(update):
                delivered += 1
            else:
                self.dropped_total += 1
                log.warning("dropping a slow SSE client of %s (queue of %d full)", sub.ticket, self.queue_size)
                self.unsubscribe(sub)
        return delivered

    def count(self, ticket: str | None = None) -> int:
        """Live subscribers of one ticket, or of all tickets."""
        if ticket is not None:
            return len(self._subscribers.get(ticket, ()))
        return sum(len(s) for s in self._subscribers.values())

    def close(self) -> None:
        """End every live stream (service shutdown)."""
        for subs in list(self._subscribers.values()):
            for sub in list(subs):
                sub.close()
        self._subscribers.clear()
