"""The legacy app: its JSON API (page/next cursor, Indonesian field names), the dispatchers at work, and a
webhook push on each change."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from palapa.kit.clock import zone
from palapa.kit.loops import pause

from .generate import OPEN, IncidentGenerator
from .push import Pusher
from .settings import LegacyAppSettings
from .store import BadTokenError, Store

log = logging.getLogger("palapa.psc119_legacy")
WIB = zone("Asia/Jakarta")


class StatusChange(BaseModel):
    kode_status: str


class Legacy:
    """The app's state and what changes it: each save is stored, then pushed."""

    def __init__(self, settings: LegacyAppSettings, pusher: Pusher | None) -> None:
        self.settings = settings
        self.generator = IncidentGenerator(settings.seed, settings.broken_ratio)
        self.store = Store()
        self.pusher = pusher

    def now(self) -> datetime:
        """The legacy server's local time: WIB, running clock_offset_seconds off."""
        return datetime.now(WIB).replace(tzinfo=None) + timedelta(seconds=self.settings.clock_offset_seconds)

    def unix_now(self) -> float:
        """The legacy server's Unix time (as skewed as its clock): what it signs webhooks with."""
        return self.now().replace(tzinfo=WIB).timestamp()

    async def save(self, key: int, item: dict[str, Any]) -> dict[str, Any]:
        self.store.save(key, item)
        if self.pusher is not None:
            await self.pusher.changed(key, item)
        return item

    async def report(self) -> tuple[int, dict[str, Any]]:
        key = self.store.new_id()
        return key, await self.save(key, self.generator.incident(key, self.now()))

    async def move(self, key: int, code: str | None = None) -> dict[str, Any] | None:
        _, item = self.store.items[key]
        code = code or self.generator.next_status(str(item.get("kode_status")))
        if code is None:
            return None
        return await self.save(key, self.generator.move(item, code, self.now()))

    async def run(self, stop: asyncio.Event) -> None:
        await asyncio.gather(self._every(self.settings.incidents_per_minute, self.report, stop),
                             self._every(self.settings.moves_per_minute, self._move_one, stop))

    async def _move_one(self) -> None:
        open_keys = [k for k, (_, item) in self.store.items.items() if str(item.get("kode_status")) in OPEN]
        if open_keys:
            await self.move(self.generator.rng.choice(open_keys[-200:]))

    async def _every(self, per_minute: float, action, stop: asyncio.Event) -> None:
        if per_minute <= 0:
            return
        while not await pause(stop, self.generator.rng.expovariate(per_minute / 60.0)):
            await action()


def create_app(settings: LegacyAppSettings) -> FastAPI:
    stop = asyncio.Event()
    client = httpx.AsyncClient(timeout=5)
    pusher = None
    if settings.webhook_url and settings.webhook_secret:
        pusher = Pusher(client, settings.webhook_url, settings.webhook_secret.get_secret_value().encode(),
                        IncidentGenerator(settings.seed).rng, duplicate_ratio=settings.duplicate_ratio,
                        out_of_order_ratio=settings.out_of_order_ratio, lost_ratio=settings.lost_ratio,
                        clock=lambda: legacy.unix_now())
    legacy = Legacy(settings, pusher)
    tasks: list[asyncio.Task] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        stop.clear()
        tasks.append(asyncio.create_task(legacy.run(stop)))
        log.info("simulating PSC 119: %.1f incidents/min, %.1f moves/min, webhooks to %s",
                 settings.incidents_per_minute, settings.moves_per_minute,
                 settings.webhook_url if pusher else "nowhere (polling only)")
        yield
        stop.set()
        await asyncio.wait(tasks, timeout=5)
        await client.aclose()

    app = FastAPI(title="PSC 119 (simulated legacy app)", lifespan=lifespan)
    app.state.legacy = legacy

    @app.get("/healthz")
    @app.get("/readyz")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/v1/insiden")
    async def insiden(setelah: str | None = Query(None, max_length=200),
                      per_halaman: int = Query(50, ge=1, le=500)) -> JSONResponse:
        try:
            return JSONResponse(legacy.store.page(setelah, per_halaman))
        except BadTokenError as exc:
            return JSONResponse({"status": "gagal", "pesan": str(exc)}, status_code=400)

    @app.post("/api/v1/insiden", status_code=201)
    async def lapor() -> dict[str, Any]:
        key, item = await legacy.report()
        return {"kunci": key, "data": item}

    @app.post("/api/v1/insiden/{key}/status")
    async def ubah(key: int, change: StatusChange) -> JSONResponse:
        if key not in legacy.store.items:
            return JSONResponse({"status": "gagal", "pesan": "insiden tidak ada"}, status_code=404)
        item = await legacy.move(key, change.kode_status)
        return JSONResponse({"kunci": key, "data": item})

    return app
