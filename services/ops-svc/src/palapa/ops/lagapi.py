"""Lag over time for SRE: what the sampler kept, per consumer group and topic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Query

from palapa.kit.runtime import Runtime

from . import store
from .lag import series


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

    return router
