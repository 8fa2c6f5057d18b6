"""What the console reads and asks, on the signed-in SRE's behalf with their token (thin adapter).

ops-svc keeps the dead letters; every service answers for its own outbox (`/ops/outbox`, the kit's); catalog-svc
knows the bridges' liveness. Each decides and checks the SRE role again: the gate never widens what they answer.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from urllib.parse import quote

import httpx

from palapa.kit.links import process_urls

from ..staff.cases import Reply
from ..upstream import UpstreamError, call_json

#: the dead letters' filters passed on to ops-svc as they are (it validates them)
FILTERS = ("topic", "consumer", "reason", "state")


#: the services' outbox addresses from the one list's OUTBOX_URLS link
outbox_addresses = process_urls


class Console:
    def __init__(self, ops_url: str, catalog_url: str, outboxes: dict[str, str], http: httpx.AsyncClient, *,
                 complaint_url: str = "") -> None:
        self.ops = ops_url.rstrip("/")
        self.catalog = catalog_url.rstrip("/")
        self.complaint = complaint_url.rstrip("/")
        self.outboxes = outboxes
        self.http = http

    async def _call(self, method: str, url: str, token: str | None, **kwargs) -> Reply:
        headers = {"Accept": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
        return await call_json(self.http, method, url, url, headers=headers, **kwargs)

    async def letters(self, token: str, filters: dict[str, str]) -> Reply:
        params = {k: v for k, v in filters.items() if k in FILTERS and v}
        return await self._call("GET", f"{self.ops}/dead-letters", token, params={**params, "limit": "100"})

    async def letter(self, token: str, letter_id: int) -> Reply:
        return await self._call("GET", f"{self.ops}/dead-letters/{letter_id}", token)

    async def act_on_letter(self, token: str, letter_id: int, action: str, why: str | None,
                            to: str | None = None) -> Reply:
        """Re-drive (`to`: topic or consumer) or discard; a re-drive to the consumer waits for it to apply it."""
        body = {**({"why": why} if why else {}), **({"to": to} if to else {})}
        return await self._call("POST", f"{self.ops}/dead-letters/{letter_id}/{action}", token, json=body,
                                timeout=40)

    async def _part(self, token: str, url: str, what: str, **params) -> dict:
        """One part of a page, or what went wrong asking for it (the page shows the other parts still)."""
        try:
            reply = await self._call("GET", url, token, params=params, timeout=5)
        except UpstreamError as exc:
            return {"error": f"{what} tidak terjangkau ({exc})"}
        if reply.status != 200:
            return {"error": str(reply.body.get("detail", f"{what}: HTTP {reply.status}"))}
        return reply.body

    async def service_level(self, token: str) -> tuple[dict, dict, dict]:
        """(complaint-svc's breaches this week and escalations waiting, ops-svc's dead letters per hour, its count
        beside the dead-letter topic's offsets)."""
        return await asyncio.gather(
            self._part(token, f"{self.complaint}/stats/service-level", "complaint-svc"),
            self._part(token, f"{self.ops}/dead-letters/rate", "ops-svc", hours="24"),
            self._part(token, f"{self.ops}/dead-letters/offsets", "ops-svc"))

    async def lag_history(self, token: str) -> dict:
        """ops-svc's samples of every consumer group's lag over the last 24 hours."""
        return await self._part(token, f"{self.ops}/consumers/lag", "ops-svc", hours="24", points="120")

    async def _each(self, token: str, service: str, what: str) -> dict:
        """One service's `/ops/<what>`, or what went wrong asking it (the page shows each service on its own)."""
        try:
            reply = await self._call("GET", f"{self.outboxes[service]}/ops/{what}", token, timeout=3)
        except UpstreamError as exc:
            return {"service": service, "error": f"tidak terjangkau ({exc})"}
        if reply.status != 200:
            return {"service": service, "error": str(reply.body.get("detail", f"HTTP {reply.status}"))}
        return {**reply.body, "service": service}

    async def outboxes_state(self, token: str) -> list[dict]:
        return list(await asyncio.gather(*(self._each(token, s, "outbox") for s in sorted(self.outboxes))))

    async def consumers_state(self, token: str) -> list[dict]:
        return list(await asyncio.gather(*(self._each(token, s, "consumers") for s in sorted(self.outboxes))))

    async def act_on_outbox(self, token: str, service: str, row_id: int, action: str, why: str | None) -> Reply:
        return await self._call("POST", f"{self.outboxes[service]}/ops/outbox/{row_id}/{quote(action)}", token,
                                json={"why": why} if why else {})

    async def app(self, app_id: str) -> Reply:
        """One app of the registry (catalog-svc's public entry), with the bridge that speaks for it."""
        return await self._call("GET", f"{self.catalog}/apps/{quote(app_id)}", None)

    async def replay(self, token: str, bridge: str, app_id: str, since: datetime, why: str) -> Reply:
        """Ask the bridge to re-read its app's rows changed since `since` (it checks the SRE role and audits)."""
        return await self._call("POST", f"{self.outboxes[bridge]}/admin/bridges/{quote(app_id)}/replay", token,
                                json={"since": since.isoformat(), "why": why}, timeout=30)

    async def bridges(self) -> list[dict]:
        """The registry's apps that have a bridge, with its liveness (catalog-svc's public listing)."""
        reply = await self._call("GET", f"{self.catalog}/apps", None)
        return [a for a in reply.body.get("items", []) if isinstance(a, dict) and a.get("bridge")]
