"""The citizen's pages, rendered on the server (no script: the gate's CSP allows none inline, and none is needed)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from . import domain
from .citizen.accounts import CURRENT
from .upstream import UpstreamError, Upstreams

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
TEMPLATES = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                        trim_blocks=True, lstrip_blocks=True)
TEMPLATES.filters.update(rupiah=domain.rupiah, tanggal=domain.tanggal, waktu=domain.waktu)
TEMPLATES.globals["warga"] = CURRENT.get  # the header bar: "Masuk", or "Kasus saya · Keluar" when signed in
#: also set by the gate (Caddy); here too, for a page reached without it (tests, an operator on the port)
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "form-action 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cache-Control": "no-cache",
}
UNAVAILABLE = "Layanan sedang tidak tersedia; silakan coba lagi sebentar lagi."


def render(name: str, status: int = 200, **context) -> HTMLResponse:
    headers = PAGE_HEADERS if CURRENT.get() is None else {**PAGE_HEADERS, "Cache-Control": "no-store"}
    return HTMLResponse(TEMPLATES.get_template(name).render(**context), status_code=status, headers=headers)


def not_found(what: str) -> HTMLResponse:
    return render("error.html", 404, title="Tidak ditemukan", message=what)


def pages_router(upstreams: Upstreams, cache: domain.PageCache, clock=time.monotonic) -> APIRouter:
    """The pages; directory pages answered 200 are kept in `cache` for its seconds (a miss asks catalog-svc)."""
    router = APIRouter(tags=["pages"], include_in_schema=False)
    home_page = TEMPLATES.get_template("home.html").render(query="", result=None, problem=None).encode()

    def cached(key: str) -> HTMLResponse | None:
        if CURRENT.get() is not None:  # a signed-in citizen's header bar is theirs: never from the shared cache
            return None
        page = cache.get(key, clock())
        return None if page is None else HTMLResponse(page, headers=PAGE_HEADERS)

    def keep(key: str, answer: HTMLResponse) -> HTMLResponse:
        if answer.status_code == 200 and CURRENT.get() is None:
            cache.put(key, answer.body, clock())
        return answer

    @router.get("/")
    async def home() -> HTMLResponse:
        if CURRENT.get() is not None:
            return render("home.html", query="", result=None, problem=None)
        return HTMLResponse(home_page, headers=PAGE_HEADERS)

    @router.get("/cari")
    async def search(q: str | None = None) -> HTMLResponse:
        """The directory searched as a citizen speaks (catalog-svc's search), results as a page."""
        query = domain.clean_query(q)
        if not query:
            return render("home.html", query="", result=None, problem="Tulis layanan yang Anda cari.")
        if page := cached("cari:" + query.casefold()):
            return page
        try:
            answer = await upstreams.search(query)
        except UpstreamError as exc:
            log.warning("directory search failed: %s", exc)
            return render("home.html", 503, query=query, result=None, problem=UNAVAILABLE)
        if answer.status != 200:
            detail = answer.body.get("detail") if isinstance(answer.body.get("detail"), str) else None
            return render("home.html", 422, query=query, result=None, problem=detail or "Pencarian tidak valid.")
        return keep("cari:" + query.casefold(), render("home.html", query=query, result=answer.body, problem=None))

    @router.get("/layanan")
    async def directory() -> RedirectResponse:
        return RedirectResponse("/", status_code=303)

    @router.get("/layanan/{service_id}")
    async def service(service_id: str) -> HTMLResponse:
        """One service: what it needs, what it costs, how long it takes, who serves it, and its action."""
        if not (len(service_id) <= 64 and service_id.replace("-", "").isalnum() and service_id.isascii()):
            return not_found("Layanan tidak ada di direktori.")
        if page := cached("layanan:" + service_id.lower()):
            return page
        try:
            answer = await upstreams.service(service_id.lower())
        except UpstreamError as exc:
            log.warning("directory service read failed: %s", exc)
            return render("error.html", 503, title="Tidak tersedia", message=UNAVAILABLE)
        if answer.status != 200:
            return not_found("Layanan tidak ada di direktori.")
        hit = answer.body
        served = hit.get("served") or {}
        action = domain.action_for(hit.get("app_id", ""), hit.get("app_name", ""), served.get("where", ""),
                                   served.get("url"), service_id.lower())
        return keep("layanan:" + service_id.lower(), render("service.html", service=hit, action=action))

    @router.get("/pajak")
    async def tax_bill(nop: str | None = None, tahun: str | None = None) -> HTMLResponse:
        """The PBB bill of a NOP (taxbill-svc), as a page; the form alone without a NOP."""
        nop = " ".join((nop or "").split())[:64]
        tahun = (tahun or "").strip()[:8]
        if not nop:
            return render("pajak.html", nop="", tahun=tahun, bill=None, problem=None)
        try:
            answer = await upstreams.tax_bill(nop, tahun or None)
        except UpstreamError as exc:
            log.warning("tax bill look-up failed: %s", exc)
            return render("pajak.html", 503, nop=nop, tahun=tahun, bill=None, problem=UNAVAILABLE)
        if answer.status != 200:
            detail = answer.body.get("detail")
            status = answer.status if answer.status in (400, 404, 422) else 400
            return render("pajak.html", status, nop=nop, tahun=tahun, bill=None,
                          problem=detail if isinstance(detail, str) else "Tagihan tidak dapat dicari.")
        return render("pajak.html", nop=nop, tahun=tahun, bill=answer.body, problem=None)

    @router.get("/darurat")
    async def emergency() -> HTMLResponse:
        """PSC 119: call 119, what to say, and following a reported incident by its ticket."""
        return render("darurat.html")

    @router.get("/aset/kasus.js")
    async def live_script() -> FileResponse:
        """Kasus saya's live updates (progressive enhancement: the pages work without it)."""
        return FileResponse(HERE / "static" / "kasus.js", media_type="text/javascript; charset=utf-8",
                            headers={**PAGE_HEADERS, "Cache-Control": "public, max-age=300"})

    @router.get("/aset/gate.css")
    async def stylesheet() -> FileResponse:
        return FileResponse(HERE / "static" / "gate.css", media_type="text/css; charset=utf-8",
                            headers={**PAGE_HEADERS, "Cache-Control": "public, max-age=3600"})

    return router
