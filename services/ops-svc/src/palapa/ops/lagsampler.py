"""The lag sampler: every `lag_sample_seconds`, each process's `GET /ops/consumers` kept as rows, older than
`lag_keep_hours` pruned (thin adapter; lag.py reads the answers).

The kit's route is SRE-only, so ops-svc asks with a token of its own client (client-credentials grant; its service
account holds `sre`). A process that does not answer leaves a gap in its series, the others are kept.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import delete, insert

from palapa.kit.loops import Outage, pause
from palapa.kit.runtime import Runtime

from .lag import sample_rows
from .tables import lag_samples

log = logging.getLogger(__name__)
Token = Callable[[], Awaitable[str]]


class ClientCredentials:
    """An access token of ops-svc's own client from the issuer's token endpoint, reused until a minute before it
    ends."""

    def __init__(self, issuer: str, client_id: str, secret: str, http: httpx.AsyncClient) -> None:
        self.issuer, self.client_id, self.secret, self.http = issuer.rstrip("/"), client_id, secret, http
        self._token: str | None = None
        self._until = 0.0

    async def __call__(self) -> str:
        if self._token is None or time.monotonic() >= self._until:
            found = await self.http.get(f"{self.issuer}/.well-known/openid-configuration")
            found.raise_for_status()
            answer = await self.http.post(found.json()["token_endpoint"], auth=(self.client_id, self.secret),
                                          data={"grant_type": "client_credentials"})
            answer.raise_for_status()
            body = answer.json()
            self._token = body["access_token"]
            self._until = time.monotonic() + max(float(body.get("expires_in", 60)) - 60, 10)
        return self._token


class LagSampler:
    def __init__(self, runtime: Runtime, addresses: dict[str, str], token: Token, http: httpx.AsyncClient, *,
                 keep: timedelta) -> None:
        self.runtime, self.addresses, self.token, self.http, self.keep = runtime, addresses, token, http, keep

    async def _ask(self, service: str, headers: dict[str, str], at: datetime) -> list[dict]:
        try:
            answer = await self.http.get(f"{self.addresses[service]}/ops/consumers", headers=headers, timeout=5)
        except httpx.HTTPError as exc:
            log.info("lag sample: %s did not answer: %s", service, type(exc).__name__)
            return []
        if answer.status_code != 200:
            log.warning("lag sample: %s answered HTTP %d", service, answer.status_code)
            return []
        try:
            return sample_rows(service, answer.json(), at)
        except ValueError:
            return []

    async def sample_once(self) -> int:
        """One pass over every process; returns the rows kept."""
        at = datetime.now(UTC)
        headers = {"Authorization": f"Bearer {await self.token()}", "Accept": "application/json"}
        found = await asyncio.gather(*(self._ask(s, headers, at) for s in sorted(self.addresses)))
        rows = [r for part in found for r in part]
        async with self.runtime.transaction() as tx:
            if rows:
                await tx.session.execute(insert(lag_samples), rows)
            await tx.session.execute(delete(lag_samples).where(lag_samples.c.at < at - self.keep))
        return len(rows)

    async def run(self, every_s: float, stop: asyncio.Event) -> None:
        """Sample every `every_s` seconds until stopped; an outage (token, database) is logged once."""
        outage = Outage("ops-svc lag sampler", log)
        while not stop.is_set():
            try:
                await self.sample_once()
                outage.recovered()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # retried at the next pass; logged once per outage
                outage.failed(exc)
            if await pause(stop, every_s):
                return
