"""complaint-svc's case API, called on the signed-in officer's behalf with their token (thin adapter).

complaint-svc decides everything: what an officer may see (their OPD), whether a move is legal, whether the
reporter's identity is shown. The gate passes its answers on and never widens them.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx

from ..upstream import Answer, call_json

#: the queue's filters passed on to complaint-svc's listing as they are (it validates them)
FILTERS = ("opd", "status", "category", "kelurahan", "overdue", "mine")


Reply = Answer  # a service's answer to show (upstream.call_json)


class Cases:
    def __init__(self, base_url: str, http: httpx.AsyncClient) -> None:
        self.base = base_url.rstrip("/")
        self.http = http

    async def _call(self, method: str, path: str, token: str, **kwargs) -> Reply:
        return await call_json(self.http, method, self.base + path, "complaint-svc", headers={
            "Authorization": f"Bearer {token}", "Accept": "application/json"}, **kwargs)

    async def queue(self, token: str, filters: dict[str, str], cursor: str | None = None) -> Reply:
        """One page of the queue (50, nearest deadline first); `cursor` is the previous page's next_cursor."""
        params = {k: v for k, v in filters.items() if k in FILTERS and v} | ({"cursor": cursor} if cursor else {})
        return await self._call("GET", "/complaints", token, params={**params, "order": "deadline", "limit": "50"})

    async def case(self, token: str, ticket: str) -> Reply:
        return await self._call("GET", f"/complaints/{quote(ticket, safe='')}", token)

    async def move(self, token: str, ticket: str, move: dict) -> Reply:
        return await self._call("POST", f"/complaints/{quote(ticket, safe='')}/status", token, json=move)

    async def reroute(self, token: str, ticket: str, opd: str, reason: str) -> Reply:
        return await self._call("POST", f"/complaints/{quote(ticket, safe='')}/reroute", token,
                                json={"opd": opd, "reason": reason})

    async def instruct(self, token: str, ticket: str, note: str) -> Reply:
        return await self._call("POST", f"/complaints/{quote(ticket, safe='')}/instruction", token,
                                json={"note": note})

    async def escalations(self, token: str) -> Reply:
        return await self._call("GET", "/escalations", token)

    async def on_time(self, token: str, weeks: int) -> Reply:
        return await self._call("GET", "/stats/on-time", token, params={"weeks": str(weeks)})
