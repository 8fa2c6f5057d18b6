"""BridgeHeartbeat every heartbeat_seconds: what the bridge last saw, how far behind it is, its counters."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import BridgeHeartbeat
from palapa.kit.loops import Outage, pause

from .ingest import Bridge

log = logging.getLogger(__name__)


def lag_seconds(
    now: datetime, last_seen: datetime | None, oldest_unread: datetime | None, reachable: bool
) -> float | None:
    """0 when caught up; how long the oldest unread change has waited; unreachable → time since last seen.

    All times aware. With the source away nothing is known of newer changes, so the lag is the
    age of the last change seen: it keeps growing until the bridge reads again.
    """
    if reachable:
        return 0.0 if oldest_unread is None else max(0.0, (now - oldest_unread).total_seconds())
    return None if last_seen is None else max(0.0, (now - last_seen).total_seconds())


async def beat_once(bridge: Bridge, opd: str, last_seen: datetime | None,
                    oldest_unread: Callable[[], Awaitable[datetime | None]],
                    aware: Callable[[datetime], datetime] = lambda t: t) -> BridgeHeartbeat:
    """Stage one heartbeat in the outbox; `last_seen` is aware, `aware` makes `oldest_unread`'s time so. Returns it."""
    now = datetime.now(UTC)
    try:
        oldest = await oldest_unread()
        reachable = True
    except Exception as exc:  # source away: report it through the lag, keep beating
        log.warning("heartbeat: legacy database unreachable: %s", exc)
        oldest, reachable = None, False
    event = BridgeHeartbeat(
        app_id=bridge.app_id, opd=opd, bridge=bridge.runtime.name, last_change_seen=last_seen,
        lag_seconds=lag_seconds(now, last_seen, aware(oldest) if oldest else None, reachable),
        rows_translated=bridge.stats.rows_translated, rows_quarantined=bridge.stats.rows_quarantined, at=now,
        legacy_mismatches=bridge.stats.legacy_mismatches, last_sweep_at=bridge.stats.last_sweep_at,
    )
    bridge.stats.lag_seconds = event.lag_seconds
    async with bridge.runtime.transaction() as tx:
        tx.publish(Envelope(event, source=bridge.source, subject=bridge.app_id, time=now))
    return event


async def run(beat: Callable[[], Awaitable[object]], stopping: asyncio.Event, every: float) -> None:
    """Beat at once, then every `every` seconds, until `stopping` is set; failures are logged once per outage."""
    failing = Outage("heartbeat staging", log)  # the bridge's own database away: the next beat tries again
    while not stopping.is_set():
        try:
            await beat()
        except Exception as exc:  # logged once per outage; the next beat tries again
            failing.failed(exc)
        else:
            failing.recovered()
        await pause(stopping, every)
