"""Read Dishub's CCTV app as it serves itself: GET /api/kamera (registry) and GET /api/kamera/status.

Both are whole lists (no paging, no cursor): each poll takes a snapshot. A response that is not the app's
shape at all (HTML error page, not JSON, no `data` list, oversized) is the source failing, not a row to
quarantine: it raises LegacyResponseError and the poll is retried with backoff.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import httpx

SERVER_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class LegacyResponseError(RuntimeError):
    """The app answered, but not with its list (the message says what came instead)."""


@dataclass(frozen=True)
class Snapshot:
    registry: list[object]
    status: list[object]
    server_time: datetime | None  # the Dishub server's clock (naive local), to correct its check times


class DishubClient:
    """A small HTTP client for the legacy app; `transport` lets a test hand in its own."""

    def __init__(self, base_url: str, timeout: float, max_bytes: int,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.http = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)
        self.max_bytes = max_bytes

    async def _body(self, path: str) -> dict:
        async with self.http.stream("GET", path) as response:
            if response.status_code != 200:
                raise LegacyResponseError(f"GET {path}: HTTP {response.status_code}")
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise LegacyResponseError(f"GET {path}: response over {self.max_bytes:,} bytes")
                chunks.append(chunk)
        raw = b"".join(chunks)
        try:
            body = json.loads(raw.decode("utf-8", "replace"))
        except ValueError as exc:
            raise LegacyResponseError(f"GET {path}: not JSON ({exc}): {raw[:80]!r}") from None
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise LegacyResponseError(f"GET {path}: no `data` list in the answer")
        return body

    async def snapshot(self) -> Snapshot:
        registry = await self._body("/api/kamera")
        status = await self._body("/api/kamera/status")
        try:
            server_time = datetime.strptime(str(status.get("waktu_server")), SERVER_TIME_FORMAT)
        except ValueError:
            server_time = None
        return Snapshot(registry["data"], status["data"], server_time)

    async def close(self) -> None:
        await self.http.aclose()
