"""One keep-alive HTTP/1.1 connection for the HTTP benchmarks: a few lines of asyncio instead of httpx, whose
~5 ms of CPU per request would take the cores the service under test is measured on."""

from __future__ import annotations

import asyncio


class Client:
    """GETs on one connection; a non-200 answer raises with its status and the start of its body."""

    def __init__(self, url: str) -> None:
        self.host, self.port = url.removeprefix("http://").split(":")
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> bytes:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, int(self.port))
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.lower().split(b"\r\n")
                      if line.startswith(b"content-length:"))
        body = await self.reader.readexactly(length)
        if head[9:12] != b"200":
            raise RuntimeError(f"GET {path}: {head[:12]!r} {body[:200]!r}")
        return body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
