"""Si Makel's legacy API over HTTP (XML), and control routes for tests and benches."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from urllib.parse import parse_qs

from fastapi import FastAPI, HTTPException, Query, Request, Response
from pydantic import BaseModel

from palapa.kit.loops import pause

from .requests import FilingRefusedError, SiMakel
from .xmlpage import DATE, filed_xml, page_xml

log = logging.getLogger("palapa.simakel_legacy")
XML = "application/xml; charset=UTF-8"
MAX_FORM = 16 * 1024


class NewRequest(BaseModel):
    kode_surat: str | None = None
    kelurahan: str | None = None
    kecamatan: str | None = None


class StatusMove(BaseModel):
    kode: str


async def _every(per_minute: float, action, stop: asyncio.Event, rng) -> None:
    if per_minute <= 0:
        return
    while not await pause(stop, rng.expovariate(per_minute / 60.0)):
        action()


def create_app(simakel: SiMakel, *, submissions_per_minute: float = 0.0, moves_per_minute: float = 0.0) -> FastAPI:
    """The legacy API; its lifespan keeps citizens asking and counters answering at these rates."""
    stop = asyncio.Event()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        stop.clear()
        tasks = [
            asyncio.create_task(_every(submissions_per_minute, lambda: simakel.step(submit=True), stop, simakel.rng)),
            asyncio.create_task(_every(moves_per_minute, simakel.step, stop, simakel.rng)),
        ]
        try:
            yield
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)

    app = FastAPI(title="Si Makel (simulated legacy app)", lifespan=lifespan)
    app.state.simakel = simakel

    @app.get("/healthz")
    @app.get("/readyz")
    async def ready() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/permohonan")
    async def changed(sejak: str | None = None, halaman: int = Query(1, ge=1, le=100_000),
                      per_halaman: int = Query(50, ge=1, le=500)) -> Response:
        if simakel.down:
            return Response("<html><body>503 Service Unavailable</body></html>", 503, media_type="text/html")
        if simakel.raw_page is not None:
            return Response(simakel.raw_page, media_type=XML)
        try:
            since = datetime.strptime(sejak, DATE) if sejak else None
        except ValueError:
            return Response('<?xml version="1.0"?><simakel><error>format sejak salah</error></simakel>', 400,
                            media_type=XML)
        rows, pages = simakel.changed_since(since, halaman, per_halaman)
        return Response(page_xml(rows, halaman, pages, simakel.server_now()), media_type=XML)

    @app.post("/api/permohonan")
    async def file(request: Request) -> Response:
        """A partner system files a request (form-encoded, as the PHP app's own form posts). Like the app, a refusal
        is `<hasil>gagal</hasil>` with its message under HTTP 200; a reference filed before answers that request."""
        if simakel.down:
            return Response("<html><body>503 Service Unavailable</body></html>", 503, media_type="text/html")
        body = await request.body()
        if len(body) > MAX_FORM:
            return Response("<html><body>413 Request Entity Too Large</body></html>", 413, media_type="text/html")
        form = parse_qs(body.decode("utf-8", "replace"), max_num_fields=20)
        fields = {k: form.get(k, [""])[0] for k in ("nik", "nama", "telepon", "kode_surat", "kelurahan", "keperluan",
                                                    "no_referensi")}
        try:
            filed = simakel.file(**fields)
        except FilingRefusedError as exc:
            return Response(filed_xml(None, False, str(exc)), media_type=XML)
        return Response(filed_xml(filed.request, filed.duplicate, None), 200 if filed.duplicate else 201,
                        media_type=XML)

    @app.put("/sim/mati")
    async def down(request: Request) -> dict:
        """Take the app away (body `1`) or bring it back (anything else): its API answers 503 meanwhile."""
        simakel.down = (await request.body()).strip() == b"1"
        return {"down": simakel.down}

    @app.post("/sim/permohonan")
    async def submit(body: NewRequest) -> dict:
        fields = {k: v for k, v in body.model_dump().items() if v is not None}
        return {"id": simakel.submit(**fields).id}

    @app.post("/sim/permohonan/{request_id}/status")
    async def move(request_id: int, body: StatusMove) -> dict:
        if request_id not in simakel.requests:
            raise HTTPException(404, {"reason": f"permohonan {request_id} tidak ada"})
        req = simakel.move(request_id, body.kode)
        return {"id": request_id, "status": req.status, "tgl_update": req.tgl_update.strftime(DATE)}

    @app.put("/sim/halaman-mentah")
    async def raw(request: Request) -> dict:
        """Serve this body instead of the list (empty body: back to normal)."""
        body = await request.body()
        simakel.raw_page = body or None
        return {"raw": bool(body)}

    return app
