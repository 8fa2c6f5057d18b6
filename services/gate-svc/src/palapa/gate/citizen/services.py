"""The services a citizen's pages call: notify-svc sends the one-time code, complaint-svc holds the cases, taxbill-svc
the followed bills, tracking-svc the letters and incidents (thin).

notify-svc is called as a client with the gate's API key (GATE_NOTIFY_API_KEY, registered in notify-svc as
NOTIFY_GATE_API_KEY); complaint-svc on the citizen's behalf with a citizen token the gate just minted.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from urllib.parse import quote

import httpx

from ..upstream import Answer, UpstreamError, call_json

log = logging.getLogger(__name__)
HEADER = "X-Citizen-Token"
SEND_TIMEOUT_S = 15  # the citizen waits on this page for the code to be queued: longer than a page's look-up


class Notifier:
    def __init__(self, base_url: str, api_key: str, http: httpx.AsyncClient) -> None:
        self.url = base_url.rstrip("/") + "/v2/notifications/whatsapp"
        self.api_key = api_key
        self.http = http

    async def send_code(self, phone: str, code: str, challenge: str) -> Answer:
        """Ask for the code by WhatsApp (notify-svc falls back to SMS); a 4xx is returned, a failure raised. Tried
        twice under one Idempotency-Key (the challenge's id): a retry after a lost answer sends nothing twice."""
        for attempt in (1, 2):
            try:
                answer = await call_json(self.http, "POST", self.url, "notify-svc", json={
                    "template_id": "one-time-code", "personalisation": {"code": code}, "phone_number": phone},
                    headers={"Authorization": f"ApiKey-v1 {self.api_key}", "Accept": "application/json",
                             "Idempotency-Key": challenge}, timeout=SEND_TIMEOUT_S)
                break
            except UpstreamError:
                if attempt == 2:
                    raise
        if answer.status in (401, 403, 404, 422):  # the gate's own setup is wrong, not the citizen's input
            raise UpstreamError(f"notify-svc refused the code: {answer.status} {answer.body.get('reason')}")
        return answer


async def items_of(call: Awaitable[Answer], what: str) -> list[dict] | None:
    """A listing's `items`; None (logged) when the service cannot say now."""
    try:
        answer = await call
    except UpstreamError as exc:
        log.warning("%s unavailable: %s", what, exc)
        return None
    return answer.body.get("items", []) if answer.status == 200 else None


class OnBehalf:
    """A service the gate calls for a citizen: its address, and the citizen token the gate minted for the session."""

    def __init__(self, base_url: str, http: httpx.AsyncClient) -> None:
        self.base = base_url.rstrip("/")
        self.http = http

    def _headers(self, token: str) -> dict[str, str]:
        return {HEADER: token, "Accept": "application/json"}


class CitizenCases(OnBehalf):
    async def mine(self, token: str) -> Answer:
        return await call_json(self.http, "GET", self.base + "/citizen/complaints", "complaint-svc",
                               headers=self._headers(token))

    async def claim(self, token: str, ticket: str, pin: str) -> Answer:
        return await call_json(self.http, "POST", f"{self.base}/citizen/complaints/{quote(ticket, safe='')}/claim",
                               "complaint-svc", json={"pin": pin}, headers=self._headers(token))

    async def claimable(self, token: str) -> Answer:
        return await call_json(self.http, "GET", self.base + "/citizen/complaints/claimable", "complaint-svc",
                               headers=self._headers(token))

    async def claim_by_phone(self, token: str, ticket: str) -> Answer:
        return await call_json(self.http, "POST",
                               f"{self.base}/citizen/complaints/{quote(ticket, safe='')}/claim-by-phone",
                               "complaint-svc", headers=self._headers(token))

    async def case(self, token: str, ticket: str) -> Answer:
        return await call_json(self.http, "GET", f"{self.base}/complaints/{quote(ticket, safe='')}", "complaint-svc",
                               headers=self._headers(token))


class CitizenBills(OnBehalf):
    """taxbill-svc's list of the NOPs a citizen follows."""

    async def mine(self, token: str) -> Answer:
        return await call_json(self.http, "GET", self.base + "/citizen/tax-bills", "taxbill-svc",
                               headers=self._headers(token))

    async def follow(self, token: str, nop: str) -> Answer:
        return await call_json(self.http, "POST", self.base + "/citizen/tax-bills", "taxbill-svc", json={"nop": nop},
                               headers=self._headers(token))

    async def drop(self, token: str, nop: str) -> Answer:
        return await call_json(self.http, "DELETE", f"{self.base}/citizen/tax-bills/{quote(nop, safe='')}",
                               "taxbill-svc", headers=self._headers(token))


class CitizenLetters(OnBehalf):
    """tracking-svc's letters of a citizen: request one (filed in Si Makel by its bridge), list them, read one."""

    async def mine(self, token: str) -> Answer:
        return await call_json(self.http, "GET", self.base + "/citizen/letters", "tracking-svc",
                               headers=self._headers(token))

    async def one(self, token: str, ticket: str) -> Answer:
        return await call_json(self.http, "GET", f"{self.base}/citizen/letters/{quote(ticket, safe='')}",
                               "tracking-svc", headers=self._headers(token))

    async def request(self, token: str, body: dict) -> Answer:
        return await call_json(self.http, "POST", self.base + "/citizen/letters", "tracking-svc", json=body,
                               headers=self._headers(token))


class CitizenIncidents(OnBehalf):
    """tracking-svc's PSC 119 incidents of a citizen: the ones called in from their number (offered, claimed by the
    phone-verified sign-in), the ones they own, one of them."""

    async def mine(self, token: str) -> Answer:
        return await call_json(self.http, "GET", self.base + "/citizen/incidents", "tracking-svc",
                               headers=self._headers(token))

    async def claimable(self, token: str) -> Answer:
        return await call_json(self.http, "GET", self.base + "/citizen/incidents/claimable", "tracking-svc",
                               headers=self._headers(token))

    async def claim_by_phone(self, token: str, ticket: str) -> Answer:
        return await call_json(self.http, "POST",
                               f"{self.base}/citizen/incidents/{quote(ticket, safe='')}/claim-by-phone",
                               "tracking-svc", headers=self._headers(token))
