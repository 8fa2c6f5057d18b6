"""The bridge application runner: a bridge's main.py declares its feeds (source adapter + translation), extra
routes and subscribers; the runner owns the rest: the runtime, start and stop, a poll loop and a heartbeat per
feed, the replay endpoint, the periodic sweep (deletes and silent updates) and the per-app metrics.

    def declare(runtime: Runtime) -> Declared:      # the bridge's own part: what it reads and how it translates
        bridge = Bridge(runtime, ...)
        return Declared([sql_feed(bridge, reader, ...)])

    def create_app(settings):
        return bridge_app(NAME, settings, tables.metadata, PUBLISHES, declare)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from fastapi import APIRouter, FastAPI
from opentelemetry.sdk.trace.export import SpanExporter
from sqlalchemy import MetaData

from palapa.contracts.topics import ALL_TOPICS, Topic
from palapa.kit.http import service_app
from palapa.kit.runtime import Runtime

from . import heartbeat, sqlpoll
from .ingest import Bridge
from .loop import run_polls
from .protocol import as_local, as_utc
from .replay import Rewound, admin_routers, bridge_table, rewind
from .settings import BridgeSettings
from .sweep import OnDeleted, Sweep, SweepSource, run_sweeps
from .sweeplist import ListingSweep

log = logging.getLogger(__name__)


async def _nothing_unread() -> datetime | None:
    return None


@dataclass
class Feed:
    """One source the runner bridges: its kit Bridge, how to poll it, and what its heartbeat says.

    `batch`: a poll returning this many says 'more waiting, poll again at once'. `last_seen()` (aware) and
    `oldest_unread()` feed the heartbeat's lag (`aware` makes the latter's source time aware). `replay(since)`
    rewinds the feed (None: no replay). `sweep`: the periodic digest sweep (sqlpoll sources)."""

    bridge: Bridge
    poll_once: Callable[[], Awaitable[int]]
    interval: float
    batch: int
    source: str = "legacy database"
    last_seen: Callable[[], datetime | None] = lambda: None
    oldest_unread: Callable[[], Awaitable[datetime | None]] = _nothing_unread
    aware: Callable[[datetime], datetime] = lambda t: t
    replay: Callable[[datetime], Awaitable[Rewound]] | None = None
    sweep: Sweep | ListingSweep | None = None
    opd: str | None = None  # default: the settings' OPD


@dataclass
class Loop:
    """Other periodic work of a bridge, run like a poll loop (e.g. bridge-pbb's export folder)."""

    name: str
    run_once: Callable[[], Awaitable[int]]
    interval: float
    batch: int = 1
    source: str = "source"


@dataclass
class Declared:
    """What a bridge's main.py declares: its feeds, other loops, routes, hooks, and what `app.state` shows."""

    feeds: list[Feed]
    loops: list[Loop] = field(default_factory=list)
    routers: list[APIRouter] = field(default_factory=list)
    on_start: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    close: list[Callable[[], Awaitable[None]]] = field(default_factory=list)  # after the loops stopped
    state: dict[str, Any] = field(default_factory=dict)


def sql_feed(bridge: Bridge, reader: sqlpoll.Reader, *, tz: tzinfo, interval: float, lookback_seconds: float,
             batch_size: int, plausible: Callable, record: Callable, clock: Callable[[], Awaitable[datetime]],
             earliest: datetime | None, name: str, source: str = "legacy database", replay: bool = True,
             sweep: SweepSource | None = None, on_deleted: OnDeleted | None = None,
             last_seen: Callable[[], datetime | None] | None = None) -> tuple[Feed, Any]:
    """A feed on the kit's SqlPoller (a table read by change time and id, in the source's local time `tz`),
    with the heartbeat's lag from the position, replay from a point in time and, given `sweep` (a
    sweep.SweepSource), the periodic digest sweep (`on_deleted`: what a row deleted from the source means).
    Returns the feed and its poller."""
    poller = sqlpoll.SqlPoller(bridge, reader, lookback_seconds=lookback_seconds, batch_size=batch_size,
                               plausible=plausible, record=record, name=name, clock=clock, earliest=earliest)

    def position() -> sqlpoll.TimestampPosition:
        return bridge.position or sqlpoll.TimestampPosition()

    def seen() -> datetime | None:
        return as_utc(position().ts, tz) if position().ts else None

    async def replay_since(since: datetime) -> Rewound:
        local = as_local(since, tz)  # the source's columns hold its local time
        return await rewind(bridge, sqlpoll.position_at(local), local)

    feed = Feed(bridge, poller.poll_once, interval, batch_size, source, last_seen or seen,
                lambda: reader.oldest_unread(position()), lambda t: as_utc(t, tz),
                replay_since if replay else None,
                Sweep(bridge, sweep, record, position, on_deleted) if sweep is not None else None)
    return feed, poller


def bridge_app(name: str, settings: BridgeSettings, metadata: MetaData, publishes: Sequence[Topic],
               declare: Callable[[Runtime], Declared], *, exporter: SpanExporter | None = None) -> FastAPI:
    """The bridge's app: health, metrics and AsyncAPI routes, the declared routes, and (its lifespan) the loops."""
    runtime = Runtime(settings, name, metadata, exporter=exporter)
    declared = declare(runtime)
    stopping = asyncio.Event()
    tasks: list[asyncio.Task] = []

    def beat(feed: Feed):
        async def once():
            return await heartbeat.beat_once(feed.bridge, feed.opd or settings.opd, feed.last_seen(),
                                             feed.oldest_unread, feed.aware)
        return once

    async def start() -> None:
        stopping.clear()
        tasks.clear()
        for hook in declared.on_start:
            await hook()
        for feed in declared.feeds:
            app_id = feed.bridge.app_id
            tasks.append(runtime.spawn(run_polls(feed.poll_once, stopping, feed.interval, feed.batch, feed.source),
                                       f"{app_id}-poller"))
            tasks.append(runtime.spawn(heartbeat.run(beat(feed), stopping, settings.heartbeat_seconds),
                                       f"{app_id}-heartbeat"))
            if feed.sweep is not None and settings.sweep_seconds:
                tasks.append(runtime.spawn(run_sweeps(feed.sweep, stopping, settings.sweep_seconds),
                                           f"{app_id}-sweep"))
        for loop in declared.loops:
            tasks.append(runtime.spawn(run_polls(loop.run_once, stopping, loop.interval, loop.batch, loop.source),
                                       loop.name))

    async def stop() -> None:
        stopping.set()
        # let the loops finish their current poll, beat or sweep (one transaction) before the clients go
        if tasks:
            await asyncio.wait(tasks, timeout=10)
        tasks.clear()
        for close in declared.close:
            await close()

    replayers = {f.bridge.app_id: f.replay for f in declared.feeds if f.replay is not None}
    routers = [*declared.routers, *admin_routers(runtime, replayers)]
    app = service_app(runtime, title=f"Palapa {name}", topics=ALL_TOPICS, publishes=tuple(publishes),
                      routers=routers, on_start=[start], on_stop=[stop],
                      protection=bridge_table(name, declared.routers))
    for key, value in declared.state.items():
        setattr(app.state, key, value)
    app.state.feeds = {f.bridge.app_id: f for f in declared.feeds}
    return app
