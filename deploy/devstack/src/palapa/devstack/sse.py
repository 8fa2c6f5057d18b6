"""A small Server-Sent Events reader (WHATWG EventSource parsing) for tests and benchmarks."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class SseEvent:
    event: str
    id: str | None
    data: str

    def json(self):
        return json.loads(self.data)


async def events(client: httpx.AsyncClient, url: str, last_event_id: str | None = None) -> AsyncIterator[SseEvent]:
    """Yield events of one SSE connection until it closes (comments are skipped)."""
    headers = {"Accept": "text/event-stream"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    async with client.stream("GET", url, headers=headers, timeout=httpx.Timeout(10, read=None)) as resp:
        resp.raise_for_status()
        event, eid, data = "message", None, []
        async for line in resp.aiter_lines():
            if line == "":
                if data:
                    yield SseEvent(event, eid, "\n".join(data))
                event, data = "message", []
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
            elif name == "id":
                eid = value
