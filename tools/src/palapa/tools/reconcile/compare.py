"""Each bridged app compared once, and all of them until they agree or the wait is over (I/O)."""

from __future__ import annotations

import asyncio
import re
import time

import httpx
from aiokafka.errors import KafkaError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from . import curhat, pbb, tracking
from .difference import Comparison
from .quarantine import quarantined_ids
from .sources import Sources
from .views import latest_views, tax_bills, tracked_tickets

APPS = (curhat.APP, tracking.SIMAKEL, tracking.PSC119, pbb.APP)
UNREADABLE = (tracking.SourceUnreadableError, SQLAlchemyError, OSError, KafkaError, TimeoutError, ValueError)


async def _quarantine(sources: Sources, app: str) -> set[str] | None:
    if sources.kafka is None:
        return None
    return await asyncio.wait_for(quarantined_ids(sources.kafka, app), 20)


async def compare_app(app: str, sources: Sources, platform: AsyncEngine, http: httpx.AsyncClient) -> Comparison:
    """One app's comparison now; SourceUnreadableError and the drivers' errors when a part cannot be read."""
    if app == curhat.APP:
        legacy = create_async_engine(sources.curhat_db)
        try:
            return await curhat.compare(legacy, platform, await _quarantine(sources, app))
        finally:
            await legacy.dispose()
    if app in (tracking.SIMAKEL, tracking.PSC119):
        read = tracking.simakel_records if app == tracking.SIMAKEL else tracking.psc119_records
        records = await read(http, sources.simakel_url if app == tracking.SIMAKEL else sources.psc119_url)
        tickets = await tracked_tickets(platform, app)
        views = await latest_views(platform, tracking.PREFIX[app])
        filed = {name: t["ticket"] for name, t in tickets.items() if t["ticket"] != name}  # gate letters
        if filed:
            theirs = await latest_views(platform, "SURAT-")
            views.update({name: theirs[own] for name, own in filed.items() if own in theirs})
        return tracking.judge(app, records, tickets, views, await _quarantine(sources, app))
    engine = create_async_engine(sources.pbb_db)
    try:
        payments = await pbb.paid_bills(engine)
    finally:
        await engine.dispose()
    export = pbb.last_export(sources.pbb_exports)
    exported = await asyncio.to_thread(pbb.export_bills, export) if export else {}
    return pbb.judge(exported, payments, await tax_bills(platform), export.name if export else None)


async def compare_all(sources: Sources, apps: tuple[str, ...] = APPS) -> list[Comparison]:
    """Every app in `apps` compared once; an app whose parts cannot be read is marked skipped, with why."""
    platform = create_async_engine(sources.platform_db)
    out = []
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            for app in apps:
                try:
                    out.append(await compare_app(app, sources, platform, http))
                except UNREADABLE as exc:
                    out.append(Comparison(app, skipped=_why(exc)))
    finally:
        await platform.dispose()
    return out


async def reconcile(sources: Sources, apps: tuple[str, ...] = APPS, wait_s: float = 0.0) -> list[Comparison]:
    """Compare until no app shows a difference or `wait_s` passed: moves still in flight on a running platform
    settle within a few seconds; a real difference stays."""
    deadline = time.monotonic() + wait_s
    while True:
        result = await compare_all(sources, apps)
        if not any(c.differences for c in result) or time.monotonic() >= deadline:
            return result
        await asyncio.sleep(2)


def _why(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc) or exc.__class__.__name__
    return " ".join(re.sub(r"^<class '[\w.]+'>: ", "", text).split())[:200]  # asyncpg's errors name their class
