"""The services behind the pages, over HTTP: catalog-svc's directory and taxbill-svc's bills (thin adapter)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import httpx

from .settings import GateSettings

MAX_NOP = 64  # characters passed on; a NOP is 18 digits with at most a handful of dots, dashes and spaces


class UpstreamError(RuntimeError):
    """A service behind the page did not answer usably (down, timed out, 5xx): the page says so, 503."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict


async def call_json(http: httpx.AsyncClient, method: str, url: str, what: str, **kwargs) -> Answer:
    """A JSON call to a service behind the gate; a 4xx is an Answer to show, anything unusable an UpstreamError."""
    try:
        resp = await http.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise UpstreamError(f"{what}: {type(exc).__name__}") from exc
    if resp.status_code >= 500:
        raise UpstreamError(f"{what}: HTTP {resp.status_code}")
    try:
        body = resp.json()
    except ValueError as exc:
        raise UpstreamError(f"{what}: not JSON") from exc
    return Answer(resp.status_code, body if isinstance(body, dict) else {})


class Upstreams:
    """One HTTP client for every page; `transport` lets a test point it elsewhere."""

    def __init__(self, settings: GateSettings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
        self.http = httpx.AsyncClient(timeout=settings.upstream_timeout_s, limits=limits, transport=transport)
        self.catalog = settings.catalog_url.rstrip("/")
        self.taxbill = settings.taxbill_url.rstrip("/")

    async def _get(self, url: str, params: dict | None = None) -> Answer:
        try:
            resp = await self.http.get(url, params=params, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise UpstreamError(f"{url}: {type(exc).__name__}") from exc
        if resp.status_code >= 500:
            raise UpstreamError(f"{url}: HTTP {resp.status_code}")
        try:
            body = resp.json()
        except ValueError as exc:
            raise UpstreamError(f"{url}: not JSON") from exc
        if not isinstance(body, dict):
            raise UpstreamError(f"{url}: unexpected answer")
        return Answer(resp.status_code, body)

    async def search(self, query: str, limit: int = 20) -> Answer:
        return await self._get(f"{self.catalog}/directory/search", {"q": query, "limit": str(limit)})

    async def service(self, service_id: str) -> Answer:
        return await self._get(f"{self.catalog}/directory/services/{quote(service_id, safe='')}")

    async def tax_bill(self, nop: str, year: str | None) -> Answer:
        params = {"year": year} if year else None
        return await self._get(f"{self.taxbill}/tax-bills/{quote(nop[:MAX_NOP], safe='')}", params)

    async def reachable(self) -> dict[str, str]:
        """Each service's health as the gate sees it (informs /readyz; the pages degrade one by one)."""
        parts = {}
        for name, base in (("catalog-svc", self.catalog), ("taxbill-svc", self.taxbill)):
            try:
                ok = (await self.http.get(base + "/healthz", timeout=2)).status_code == 200
                parts[name] = "ok" if ok else "unhealthy"
            except httpx.HTTPError as exc:
                parts[name] = f"unreachable: {type(exc).__name__}"
        return parts

    async def close(self) -> None:
        await self.http.aclose()
