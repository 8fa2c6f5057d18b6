"""Dishub's legacy CCTV app over HTTP: the registry, the status list, and control routes for tests and benches."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

from palapa.kit.loops import pause

from .cameras import Dishub

log = logging.getLogger("palapa.cctv_legacy")


class StatusChange(BaseModel):
    online: bool


class Registration(BaseModel):
    location: str | None = None
    lat: float | None = None
    lng: float | None = None
    stream_url: str | None = None


async def _every(per_minute: float, action, stop: asyncio.Event, rng) -> None:
    if per_minute <= 0:
        return
    # exponential gaps: cameras fail the way a street's do, not like a metronome
    while not await pause(stop, rng.expovariate(per_minute / 60.0)):
        cam = action()
        log.debug("camera %s: online=%s at %s", cam.id, cam.online, cam.location)


def create_app(dishub: Dishub, *, changes_per_minute: float = 0.0, registrations_per_minute: float = 0.0) -> FastAPI:
    """The legacy app; its lifespan keeps cameras changing at these rates (0: only the control routes change them)."""
    stop = asyncio.Event()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        stop.clear()
        tasks = [asyncio.create_task(_every(changes_per_minute, dishub.step, stop, dishub.rng)),
                 asyncio.create_task(_every(registrations_per_minute, lambda: dishub.step(register=True),
                                            stop, dishub.rng))]
        try:
            yield
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)

    app = FastAPI(title="Dishub CCTV (simulated legacy app)", lifespan=lifespan)
    app.state.dishub = dishub

    @app.get("/healthz")
    @app.get("/readyz")
    async def ready() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/kamera")
    async def registry() -> dict:
        if dishub.down:
            raise HTTPException(503, "Service Unavailable")
        return {"status": True, "jumlah": len(dishub.cameras), "data": dishub.registry()}

    @app.get("/api/kamera/status")
    async def status() -> dict:
        if dishub.down:
            raise HTTPException(503, "Service Unavailable")
        return {"status": True, "waktu_server": dishub.legacy_now().strftime("%Y-%m-%d %H:%M:%S"),
                "data": dishub.status()}

    @app.post("/sim/kamera/{camera_id}/status")
    async def set_status(camera_id: str, body: StatusChange) -> dict:
        if camera_id not in dishub.cameras:
            raise HTTPException(404, {"reason": f"kamera {camera_id} tidak terdaftar"})
        return {"id": camera_id, "online": dishub.set_online(camera_id, body.online).online}

    @app.put("/sim/kamera/{camera_id}")
    async def register(camera_id: str, body: Registration) -> dict:
        fields = {k: v for k, v in body.model_dump().items() if v is not None}
        cam = dishub.edit(camera_id, **fields) if camera_id in dishub.cameras else dishub.add(id=camera_id, **fields)
        return {"id": cam.id}

    @app.post("/sim/baris")
    async def raw_row(row: dict) -> dict:
        """Append a registry row exactly as given (a test's poison)."""
        dishub.extra_rows.append(row)
        return {"rows": len(dishub.extra_rows)}

    return app
