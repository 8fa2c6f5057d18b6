"""What SRE reads of the platform as a whole: lag over time (the sampler's), and the dead-letter count beside the
topic's offsets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Query

from palapa.contracts.topics import DEAD_LETTERS
from palapa.kit.runtime import Runtime

from . import store
from .lag import series
from .offsets import listed_end
from .reconcile import Figures, explain


def lag_router(runtime: Runtime, every_s: float, sampling: bool) -> APIRouter:
    router = APIRouter(tags=["consumers"])

    @router.get("/consumers/lag")
    async def lag_over_time(hours: float = Query(24, gt=0, le=24 * 14), points: int = Query(120, ge=2, le=1000)):
        """Per group and topic, its lag (summed over partitions) at each sample since `hours` ago, oldest first, at
        most `points` points each; `sampling` says whether the sampler runs."""
        since = datetime.now(UTC) - timedelta(hours=hours)
        async with runtime.sessions() as session:
            rows = await store.lag_since(session, since)
        return {"since": since, "every_s": every_s, "sampling": sampling, "series": series(rows, points)}

    @router.get("/dead-letters/offsets")
    async def offsets() -> dict:
        """ops-svc's dead-letter count beside the dead-letter topic's offsets, with each difference explained."""
        mine = [p for p in runtime.progress.partitions() if p["topic"] == DEAD_LETTERS.name]
        async with runtime.sessions() as session:
            letters, tally = sum((await store.counts(session)).values()), await store.tallies(session)
        figures = Figures(
            listed_end=await listed_end(runtime.settings, DEAD_LETTERS.name, DEAD_LETTERS.partitions),
            high_watermark=sum(p["end"] for p in mine) if mine else None,
            position=sum(p["position"] for p in mine) if mine else None,
            letters=letters, announcements=tally.get("announcements", 0), repeats=tally.get("repeats", 0))
        agrees, why = explain(figures)
        return {"topic": DEAD_LETTERS.name, **figures.__dict__, "agrees": agrees, "differences": why}

    return router
