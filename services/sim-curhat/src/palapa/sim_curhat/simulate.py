"""Keep the legacy app busy: new complaints and status moves at random moments, through the legacy writer."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from palapa.curhat_legacy import insert_complaint, set_status, tb_pengaduan, wib_now
from palapa.kit.loops import Backoff, Outage, pause

from .generate import ComplaintGenerator

log = logging.getLogger(__name__)


async def recent_complaints(engine: AsyncEngine, recent: int = 500) -> list[tuple[int, str]]:
    """(id, status) of the most recent rows."""
    t = tb_pengaduan
    async with engine.connect() as conn:
        rows = (
            await conn.execute(select(t.c.id_pengaduan, t.c.status).order_by(t.c.id_pengaduan.desc()).limit(recent))
        ).all()
    return [(r.id_pengaduan, r.status) for r in rows]


class Simulator:
    """Inserts complaints and moves open ones along at the configured rates, until told to stop."""

    def __init__(
        self,
        engine: AsyncEngine,
        generator: ComplaintGenerator,
        *,
        complaints_per_minute: float,
        updates_per_minute: float,
    ) -> None:
        self.engine = engine
        self.generator = generator
        self.complaints_per_minute = complaints_per_minute
        self.updates_per_minute = updates_per_minute
        self.inserted = 0
        self.updated = 0

    async def insert_one(self) -> int:
        """Write one generated complaint; returns its id."""
        row = self.generator.complaint(wib_now())
        id_pengaduan = await insert_complaint(self.engine, **row)
        self.inserted += 1
        log.debug("inserted complaint %s (status %r)", id_pengaduan, row["status"])
        return id_pengaduan

    async def update_one(self) -> tuple[int, str] | None:
        """Move one recent complaint (forward, or at the generator's odd-move ratio back, reopened or to the same
        stage); (id, new code) or None when there is nothing to move."""
        move = self.generator.move(await recent_complaints(self.engine))
        if move is None:
            return None
        id_pengaduan, code = move
        await set_status(self.engine, id_pengaduan, code)
        self.updated += 1
        log.debug("complaint %s -> %r", id_pengaduan, code)
        return move

    async def run(self, stop: asyncio.Event) -> None:
        """Run both activities until `stop` is set; a database outage is logged and retried."""
        await asyncio.gather(
            self._every(self.complaints_per_minute, self.insert_one, stop, "insert"),
            self._every(self.updates_per_minute, self.update_one, stop, "update"),
        )

    async def _every(self, per_minute: float, action, stop: asyncio.Event, what: str) -> None:
        if per_minute <= 0:
            return
        backoff, outage = Backoff(first=0.5, cap=10.0), Outage(f"simulator {what}", log)
        # exponential gaps make arrivals look like people, not a metronome
        while not await pause(stop, self.generator.rng.expovariate(per_minute / 60.0)):
            try:
                await action()
            except (SQLAlchemyError, OSError, TimeoutError) as exc:  # the legacy DB is away: wait, try again
                outage.failed(exc)
                await pause(stop, backoff.next())
            else:
                outage.recovered()
                backoff.reset()
