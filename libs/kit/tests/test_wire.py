"""A request the HTTP parser cannot read is refused in the platform's shape (a 4xx with a reason), not in
uvicorn's plain text; readable requests are served as usual."""

import asyncio
import json

import uvicorn
from fastapi import FastAPI

from palapa.kit.wire import RefusingHttpToolsProtocol
from palapa.localstack import free_port


async def exchange(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), 5)  # the server closes after a refusal
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode().split("\r\n")
    headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines)}
    return int(status_line.split()[1]), headers, body


async def test_an_unknown_method_is_refused_with_a_reason_and_a_known_one_is_served():
    app = FastAPI()

    @app.get("/openapi-like")
    async def served():
        return {"ok": True}

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical",
                                           http=RefusingHttpToolsProtocol, lifespan="off"))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.01)
        status, headers, body = await exchange(port, b"FOO /openapi-like HTTP/1.1\r\nHost: x\r\n\r\n")
        assert (status, headers["content-type"], headers["connection"]) == (400, "application/json", "close")
        assert json.loads(body) == {"detail": "Permintaan HTTP tidak dapat dibaca", "reason": "invalid_http_request"}
        status, _, body = await exchange(port, b"GET /openapi-like HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert (status, json.loads(body)) == (200, {"ok": True})
    finally:
        server.should_exit = True
        await task
