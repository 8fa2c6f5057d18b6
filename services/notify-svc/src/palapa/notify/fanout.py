"""Every replica pushes every update: PostgreSQL LISTEN/NOTIFY between notify-svc replicas.

The replica that consumes an update stores it and, in the same transaction, NOTIFYs (ticket, revision), and for a
citizen's feed entry ('@' + account, its number: citizens.py): PostgreSQL
delivers a notification only when its transaction commits, so no replica hears of an update it cannot read yet.
Each replica LISTENs on its own connection, reads the stored update and hands it to its own hub. Its own
notifications it skips: its consumer already handed the update to the hub after the commit.

A listener connection that drops is reconnected with backoff. Whatever was announced meanwhile was never heard
here, so on reconnecting every live stream of this replica is ended: browsers reconnect with Last-Event-ID and
replay the missed revisions from the store.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Sequence

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from palapa.kit.db import async_url
from palapa.kit.loops import Backoff, Outage, pause

from . import citizens, store
from .domain import Update, is_feed_key
from .hub import Hub

log = logging.getLogger(__name__)

CHANNEL = "palapa_notify_updates"
#: how often an idle listener checks that its connection still answers (a silently dead link is found by this)
PING_SECONDS = 10.0

_NOTIFY = text(f"SELECT pg_notify('{CHANNEL}', p) FROM unnest(CAST(:payloads AS text[])) AS p")


def payload(origin: str, ticket: str, revision: int) -> str:
    """A notification's text: who stored it and what (well under PostgreSQL's 8000-byte limit)."""
    return json.dumps({"o": origin, "t": ticket, "r": revision}, separators=(",", ":"))


def parse(text_: str) -> tuple[str, str, int] | None:
    """(origin, ticket, revision) of a notification, or None for anything else on the channel."""
    try:
        data = json.loads(text_)
        origin, ticket, revision = data["o"], data["t"], data["r"]
    except (ValueError, TypeError, KeyError):
        return None
    if not (isinstance(origin, str) and isinstance(ticket, str) and type(revision) is int and revision > 0):
        return None
    return origin, ticket, revision


def listener_dsn(database_url: str) -> str:
    """The asyncpg DSN of the service's database URL (any spelling the kit accepts)."""
    return make_url(async_url(database_url)).set(drivername="postgresql").render_as_string(hide_password=False)


class Fanout:
    """This replica's side of the fan-out: `announce` in the inbox transaction, `run` as a background loop."""

    def __init__(self, hub: Hub, sessions: async_sessionmaker, database_url: str) -> None:
        self.hub = hub
        self.sessions = sessions
        self.dsn = listener_dsn(database_url)
        self.origin = uuid.uuid4().hex  # this process
        self.listening = asyncio.Event()  # set while LISTEN is active (tests and readiness wait on it)
        self.heard = 0  # other replicas' updates handed to this hub
        self.server_pid: int | None = None  # the listening backend's (tests drop it)
        self._stop = asyncio.Event()
        self._lost = asyncio.Event()  # the current connection's: set when it closes, or to stop
        self._pending: set[asyncio.Task] = set()

    async def announce(self, session: AsyncSession, updates: Sequence[Update]) -> None:
        """Tell every replica, once `session`'s transaction commits, that these updates are stored."""
        if updates:
            await session.execute(_NOTIFY, {"payloads": [payload(self.origin, u.ticket, u.revision) for u in updates]})

    async def run(self) -> None:
        """LISTEN until stopped; reconnect with backoff after a drop, then end local streams (they resume)."""
        backoff, outage = Backoff(), Outage("notify-svc listening for other replicas' updates", log)
        connected_before = False
        while not self._stop.is_set():
            try:
                conn = await asyncpg.connect(self.dsn)
            except Exception as exc:
                outage.failed(exc)
                if await pause(self._stop, backoff.next()):
                    return
                continue
            try:
                self._lost = lost = asyncio.Event()
                conn.add_termination_listener(lambda _c, closed=lost: closed.set())
                await conn.add_listener(CHANNEL, self._heard)
                self.server_pid = conn.get_server_pid()
                if connected_before:
                    # announcements made while we were away were not heard: end the streams; clients resume
                    log.warning("listener reconnected: ending %d live streams so they resume", self.hub.count())
                    self.hub.close()
                connected_before = True
                self.listening.set()
                outage.recovered()
                backoff.reset()
                await self._watch(conn, lost)
            except Exception as exc:
                outage.failed(exc)
            finally:
                self.listening.clear()
                if not conn.is_closed():
                    conn.terminate()
            if await pause(self._stop, backoff.next()):
                return

    async def _watch(self, conn: asyncpg.Connection, lost: asyncio.Event) -> None:
        """Return when stopped; raise when the connection is lost or stops answering."""
        while not self._stop.is_set():
            if await pause(lost, PING_SECONDS):
                break
            await asyncio.wait_for(conn.fetchval("SELECT 1"), timeout=PING_SECONDS)
        if lost.is_set() and not self._stop.is_set():
            raise ConnectionError("listener connection closed")

    def _heard(self, _conn, _pid, _channel, text_: str) -> None:
        note = parse(text_)
        if note is None or note[0] == self.origin or not self.hub.count(note[1]):
            return  # not ours to read, our own (pushed after commit), or nobody here follows that ticket
        task = asyncio.get_running_loop().create_task(self._push(note[1], note[2]))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _push(self, ticket: str, revision: int) -> None:
        try:
            read = citizens.history if is_feed_key(ticket) else store.history  # a citizen's feed, or a ticket's
            for update in await read(self.sessions, ticket, revision - 1, revision + 1):
                self.hub.publish(update)
                self.heard += 1
        except Exception:  # the database away: the stream's next update or reconnect fills the gap from the store
            log.warning("could not read %s revision %d for its live streams", ticket, revision, exc_info=True)

    def stop(self) -> None:
        self._stop.set()
        self._lost.set()
