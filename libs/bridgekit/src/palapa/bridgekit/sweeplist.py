"""The sweep of an API source: the same check as the digest sweep (sweep.py) for a source that cannot be read by
id range but can list everything it holds (Si Makel's paged API from the beginning, PSC 119's change log, Dishub's
camera lists). Every `sweep_seconds` the pass reads row_state, then the whole listing, and:

- hands each listed record whose fingerprint differs from row_state's to the ingest (its translation emits what
  the change means), but only records the poll has passed (`passed`): the rest are the poll's, not drift;
- announces each row_state row whose record is no longer listed as deleted (`on_deleted`, as sweep.py does).

A listing that could not be read whole (a page refused) returns None: nothing is compared, since a record missing
from a partial listing is not a deleted one. `palapa_bridge_legacy_mismatches` is what one pass found.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from sqlalchemy import select

from .ingest import Bridge
from .protocol import SourceRecord
from .sweep import DELETED, OnDeleted, Swept, announce_deleted, hand_over, remember

#: every record the source holds now, in the source's order (a later version of an id replaces an earlier one),
#: or None when the listing could not be read whole
Listing = Callable[[], Awaitable[list[SourceRecord] | None]]


class ListingSweep:
    """The periodic check of an API feed against the legacy app's own listing."""

    def __init__(self, bridge: Bridge, listing: Listing, passed: Callable[[SourceRecord], bool] = lambda r: True,
                 on_deleted: OnDeleted | None = None) -> None:
        self.bridge, self.listing, self.passed, self.on_deleted = bridge, listing, passed, on_deleted

    async def run_once(self) -> Swept:
        """One pass: compare, fix what differs, announce what is gone; returns what it found."""
        started, cpu = time.monotonic(), time.process_time()
        known = await self._known()  # before the listing: a record added meanwhile is in the listing only
        asked = time.monotonic()
        listed = await self.listing()
        source_seconds = time.monotonic() - asked
        if listed is None:
            found = Swept(0, 0, 0, time.monotonic() - started, 0, time.process_time() - cpu, source_seconds)
            self.bridge.stats.last_sweep = found  # mismatches stay as the last whole pass found them
            return found
        latest = {r.source_id: r for r in listed}
        changed = await hand_over(self.bridge, [r for r in latest.values() if self.passed(r)])
        gone = [k for k in known if k.source_id not in latest]
        if gone:
            await announce_deleted(self.bridge, gone, self.on_deleted)
        return remember(self.bridge, Swept(len(latest), changed, len(gone), time.monotonic() - started, len(latest),
                                           time.process_time() - cpu, source_seconds))

    async def _known(self) -> list:
        t = self.bridge.states.tables.row_state
        stmt = (select(t.c.source_id, t.c.status, t.c.fingerprint, t.c.legacy_updated_at)
                .where(*self.bridge.states.scope(), t.c.fingerprint != DELETED))
        async with self.bridge.runtime.sessions() as s:
            return list((await s.execute(stmt)).all())
