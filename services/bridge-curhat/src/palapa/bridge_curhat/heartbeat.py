"""BridgeHeartbeat every heartbeat_seconds: what the bridge last saw, how far behind it is, its counters."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import BridgeHeartbeat
from palapa.kit.loops import Outage, pause
from palapa.kit.runtime import Runtime

from .checkpoint import SourcePosition
from .poller import Poller
from .translate import as_utc

log = logging.getLogger(__name__)


def lag_seconds(now: datetime, last_seen: datetime | None, oldest_unread: datetime | None, reachable: bool) -> float | None:
    """0 when caught up; how long the oldest unread change has waited; unreachable → time since last seen.

    All times aware. With the legacy database away nothing is known of newer changes, so the lag is the
    age of the last change seen: it keeps growing until the bridge reads again.
    """
    if reachable:
        return 0.0 if oldest_unread is None else max(0.0, (now - oldest_unread).total_seconds())
    return None if last_seen is None else max(0.0, (now - last_seen).total_seconds())


async def beat_once(runtime: Runtime, poller: Poller) -> BridgeHeartbeat:
    """Stage one heartbeat in the outbox; returns it."""
    settings, tz = poller.settings, poller.tz
    position = poller.position or SourcePosition()
    now = datetime.now(UTC)
    last_seen = as_utc(position.ts, tz) if position.ts else None
    try:
        oldest = await poller.reader.oldest_unread(position)
        reachable = True
    except Exception as exc:  # legacy DB away: report it through the lag, keep beating
        log.warning("heartbeat: legacy database unreachable: %s", exc)
        oldest, reachable = None, False
    event = BridgeHeartbeat(
        app_id=settings.app_id, opd=settings.opd, bridge=runtime.name, last_change_seen=last_seen,
        lag_seconds=lag_seconds(now, last_seen, as_utc(oldest, tz) if oldest else None, reachable),
        rows_translated=poller.stats.rows_translated, rows_quarantined=poller.stats.rows_quarantined, at=now,
    )
    async with runtime.transaction() as tx:
        tx.publish(Envelope(event, source=poller.source, subject=settings.app_id, time=now))
    return event


async def run(runtime: Runtime, poller: Poller, stopping: asyncio.Event) -> None:
    """Beat at once, then every heartbeat_seconds, until `stopping` is set; failures are logged once per outage."""
    failing = Outage("heartbeat staging", log)  # the bridge's own database away: the next beat tries again
    while not stopping.is_set():
        try:
            await beat_once(runtime, poller)
        except Exception as exc:  # logged once per outage; the next beat tries again
            failing.failed(exc)
        else:
            failing.recovered()
        await pause(stopping, poller.settings.heartbeat_seconds)
