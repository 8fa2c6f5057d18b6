"""The one Server-Sent Events reader (WHATWG EventSource parsing) for tests and benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
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


class SseStream:
    """Reads one open SSE response the way a browser does: events in order, comments kept aside."""

    def __init__(self, response: httpx.Response) -> None:
        self._lines = response.aiter_lines()
        self.comments: list[str] = []
        self.last_event_id: str | None = None

    async def next_event(self, timeout: float | None = 20) -> SseEvent:
        """The next event; StopAsyncIteration when the server closed the stream, TimeoutError after `timeout`."""
        async with asyncio.timeout(timeout):
            event, data = "message", []
            while True:
                line = await anext(self._lines)
                if line == "":
                    if data:
                        return SseEvent(event, self.last_event_id, "\n".join(data))
                    event = "message"  # a frame without data dispatches nothing
                    continue
                if line.startswith(":"):
                    self.comments.append(line[1:].strip())
                    continue
                name, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if name == "event":
                    event = value
                elif name == "data":
                    data.append(value)
                elif name == "id":
                    self.last_event_id = value  # kept for later events, as EventSource does

    async def comment(self, timeout: float = 10) -> str:
        """The first comment line (e.g. a keep-alive), waiting up to `timeout` for one."""
        async with asyncio.timeout(timeout):
            while not self.comments:
                line = await anext(self._lines)
                if line.startswith(":"):
                    self.comments.append(line[1:].strip())
        return self.comments[0]

    async def __aiter__(self) -> AsyncIterator[SseEvent]:
        while True:
            try:
                yield await self.next_event(timeout=None)
            except StopAsyncIteration:
                return


@contextlib.asynccontextmanager
async def open_stream(
    client: httpx.AsyncClient, url: str, *, last_event_id: str | None = None,
    headers: dict[str, str] | None = None, params: dict | None = None,
) -> AsyncIterator[SseStream]:
    """One SSE connection for the block; fails unless the answer is 200 with text/event-stream."""
    headers = {"Accept": "text/event-stream", **(headers or {})}
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    async with client.stream("GET", url, headers=headers, params=params, timeout=httpx.Timeout(10, read=None)) as res:
        res.raise_for_status()
        kind = res.headers.get("content-type", "")
        if not kind.startswith("text/event-stream"):
            raise ValueError(f"{url} answered {kind!r}, not an event stream")
        yield SseStream(res)


async def events(client: httpx.AsyncClient, url: str, last_event_id: str | None = None) -> AsyncIterator[SseEvent]:
    """Yield events of one SSE connection until it closes (comments are skipped)."""
    async with open_stream(client, url, last_event_id=last_event_id) as stream:
        async for event in stream:
            yield event
