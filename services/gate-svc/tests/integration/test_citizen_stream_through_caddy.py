"""A citizen's live stream through the real Caddy (deploy/gate/Caddyfile): gate-svc checks the session and hands a
citizen token to notify-svc's /citizen/events (a stand-in here that echoes what it got), Caddy buffers nothing."""

import asyncio
import time

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse

from palapa.gate.citizen.codes import Verified
from palapa.gate.main import create_app
from palapa.gate.settings import GateSettings
from palapa.localstack import LocalCaddy, free_port
from palapa.testkit import running

pytestmark = [pytest.mark.integration]

ACCOUNT = "warga-" + "5" * 32


def notify_stand_in(seen: list[dict], release: asyncio.Event) -> FastAPI:
    """/citizen/events: one event at once (what it was asked with), the second only after `release`."""
    app = FastAPI()

    @app.get("/citizen/events")
    async def events(request: Request) -> StreamingResponse:
        seen.append({"token": request.headers.get("x-citizen-token"), "cookie": request.headers.get("cookie"),
                     "last": request.headers.get("last-event-id")})

        async def frames():
            yield b"event: ticket.updated\nid: 1\ndata: {\"ticket\": \"SURAT-A\"}\n\n"
            await release.wait()
            yield b"event: ticket.updated\nid: 2\ndata: {\"ticket\": \"SURAT-A\"}\n\n"

        return StreamingResponse(frames(), media_type="text/event-stream")

    return app


@pytest.fixture
async def gate(upstream_transport, tmp_path):
    seen, release = [], asyncio.Event()
    async with (running(create_app(GateSettings(), transport=upstream_transport), port=free_port()) as svc,
                running(notify_stand_in(seen, release), port=free_port()) as notify):
        pages = svc.base_url.removeprefix("http://")
        upstreams = {"GATE_TO_PAGES": pages, "GATE_TO_COMPLAINT": pages, "GATE_TO_CATALOG": pages,
                     "GATE_TO_TAXBILL": pages, "GATE_TO_NOTIFY": notify.base_url.removeprefix("http://")}
        caddy = LocalCaddy(upstreams, log_path=tmp_path / "caddy.log")
        await asyncio.to_thread(caddy.start)
        try:
            async with httpx.AsyncClient(base_url=caddy.url, timeout=10) as http:
                yield http, svc.app.state.citizens, seen, release
        finally:
            release.set()
            await asyncio.to_thread(caddy.stop)


async def test_a_signed_in_citizens_stream_reaches_notify_with_a_token_and_no_cookie_unbuffered(gate):
    http, citizens, seen, release = gate
    session = citizens.open(Verified(ACCOUNT, "+62 812****0000"), time.time())
    headers = {"Cookie": f"warga_sesi={session.sid}", "Last-Event-ID": "7", "X-Citizen-Token": "forged"}
    async with http.stream("GET", "/kasus/aliran", headers=headers) as answer:
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/event-stream")
        lines = answer.aiter_lines()
        first = [await asyncio.wait_for(anext(lines), 10) for _ in range(3)]
        assert first[1] == "id: 1"  # flushed while the upstream still holds the stream open
        release.set()
        assert [await asyncio.wait_for(anext(lines), 10) for _ in range(4)][2] == "id: 2"
    assert len(seen) == 1 and seen[0]["cookie"] is None and seen[0]["last"] == "7"
    assert seen[0]["token"] not in (None, "forged") and seen[0]["token"].count(".") == 2  # the gate's JWT


@pytest.mark.parametrize("cookie", [None, "warga_sesi=made-up", "signed-out"])
async def test_no_session_a_made_up_one_or_a_signed_out_one_is_refused_at_the_gate_with_a_reason(gate, cookie):
    http, citizens, seen, _ = gate
    if cookie == "signed-out":
        session = citizens.open(Verified(ACCOUNT, "+62 812****0000"), time.time())
        citizens.close(session.sid)
        cookie = f"warga_sesi={session.sid}"
    answer = await http.get("/kasus/aliran", headers={"Cookie": cookie} if cookie else {})
    assert answer.status_code == 401 and answer.json()["reason"] == "citizen_session_required"
    assert seen == []  # notify-svc was never asked
    assert (await http.get("/_gate/warga")).status_code == 404  # the check is Caddy's only


async def test_the_stream_check_does_not_keep_an_idle_session_alive(gate):
    http, citizens, _, release = gate
    release.set()
    session = citizens.open(Verified(ACCOUNT, "+62 812****0000"), time.time() - 100)
    session.last_seen = time.time() - 100
    async with http.stream("GET", "/kasus/aliran", headers={"Cookie": f"warga_sesi={session.sid}"}) as answer:
        assert answer.status_code == 200
    assert session.last_seen < time.time() - 50
