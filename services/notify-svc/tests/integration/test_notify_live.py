"""The live feed on the real broker and PostgreSQL, read by a real HTTP SSE client."""

import asyncio

import httpx
import pytest

from palapa.testkit import eventually

pytestmark = pytest.mark.integration

TICKET = "CURHAT-1042"


async def test_a_published_update_reaches_a_connected_client_with_its_revision_as_event_id(service, producer, update):
    await producer.send(update(TICKET, 1))  # the first update tells notify-svc the capability's digest
    await service.stored(TICKET, 1)
    async with service.events(TICKET) as stream:
        first = await stream.next_event()
        assert first.event == "complaint.updated"
        assert first.id == "1"
        assert first.json()["ticket"] == TICKET and first.json()["status"] == "received"
        assert first.json()["opd"] == "Dinas Pekerjaan Umum"
        await producer.send(update(TICKET, 2))
        assert await stream.revisions(1) == [2]
    assert (await service.http.get(f"/tickets/{TICKET}", headers=service.reads(TICKET))).json()["status_label"] == (
        "Diverifikasi")


async def test_a_new_client_first_gets_the_stored_history_in_order_then_live_updates(service, producer, update):
    for revision in (1, 2, 3):
        await producer.send(update(TICKET, revision))
    await producer.send(update("CURHAT-7", 1))  # another ticket's update is not sent
    await service.stored(TICKET, 3)
    async with service.events(TICKET) as stream:
        assert await stream.revisions(3) == [1, 2, 3]
        await producer.send(update(TICKET, 4))
        assert await stream.revisions(1) == [4]


@pytest.mark.parametrize("resume", ["header", "query"])
async def test_a_client_reconnecting_with_last_event_id_gets_exactly_the_missed_revisions(
    service, producer, resume, update
):
    async with service.events(TICKET, headers=service.staff) as stream:  # staff may follow before it exists
        await producer.send(update(TICKET, 1))
        await producer.send(update(TICKET, 2))
        assert await stream.revisions(2) == [1, 2]
    # offline while 3 and 4 happen
    await producer.send(update(TICKET, 3))
    await producer.send(update(TICKET, 4))
    await service.stored(TICKET, 4)
    kw = {"headers": {"Last-Event-ID": "2"}} if resume == "header" else {"params": {"last_event_id": "2"}}
    async with service.events(TICKET, **kw) as stream:
        assert await stream.revisions(2) == [3, 4]
        await producer.send(update(TICKET, 5))
        assert await stream.revisions(1) == [5]


async def test_a_client_resuming_at_the_latest_revision_gets_only_what_comes_next(service, producer, update):
    await producer.send(update(TICKET, 1))
    await service.stored(TICKET, 1)
    async with service.events(TICKET, headers={"Last-Event-ID": "1"}) as stream:
        await producer.send(update(TICKET, 2))
        assert await stream.revisions(1) == [2]


async def test_a_duplicate_record_or_revision_is_stored_and_pushed_once(service, producer, update):
    async with service.events(TICKET, headers=service.staff) as stream:
        first = update(TICKET, 1)
        await producer.send(first)
        await producer.send(first)  # at-least-once redelivery: same event id
        await producer.send(update(TICKET, 1))  # same revision under a new event id
        await producer.send(update(TICKET, 2))  # same partition (key = ticket): comes after them
        assert await stream.revisions(2) == [1, 2]
    async with service.events(TICKET) as stream:
        assert await stream.revisions(2) == [1, 2]


async def test_an_idle_stream_carries_heartbeat_comments(settings_for, serve):
    async with serve(settings_for(heartbeat_seconds=0.2)) as service:
        async with service.events(TICKET, headers=service.staff) as stream:
            assert await stream.comment() == "keep-alive"


async def test_bad_ticket_ids_and_last_event_ids_are_refused_with_422_before_streaming(service):
    cases = [
        ("/tickets/curhat%20ning/events", {}, {}, "malformed_ticket"),
        ("/tickets/CURHAT-1;DROP/events", {}, {}, "malformed_ticket"),
        (f"/tickets/{TICKET}/events", {"Last-Event-ID": "tiga"}, {}, "invalid_last_event_id"),
        (f"/tickets/{TICKET}/events", {}, {"last_event_id": "-1"}, "invalid_last_event_id"),
        ("/tickets/bukan-tiket", {}, {}, "malformed_ticket"),
    ]
    for path, headers, params, reason in cases:
        res = await service.http.get(path, headers=headers, params=params)
        assert res.status_code == 422, path
        assert res.headers["content-type"].startswith("application/json")
        assert res.json()["reason"] == reason
        assert "tidak valid" in res.json()["detail"]


async def test_an_unknown_ticket_is_404_with_a_reason(service):
    for headers in (service.staff, service.reads("CURHAT-999999")):
        res = await service.http.get("/tickets/CURHAT-999999", headers=headers)
        assert res.status_code == 404
        assert res.json() == {"detail": "Tiket CURHAT-999999 tidak ditemukan.", "reason": "unknown_ticket"}


async def test_the_sse_push_runs_in_the_trace_of_the_published_record(service, producer, update):
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    async with service.events(TICKET, headers=service.staff) as stream:  # staff may follow it before it exists
        await producer.send(update(TICKET, 1), {"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"})
        assert await stream.revisions(1) == [1]
        await producer.send(update(TICKET, 2))  # the stream moves on, so the first push span ends
        assert await stream.revisions(1) == [2]
    provider = service.app.state.runtime.provider

    def pushed_in_trace():
        provider.force_flush()
        return [
            s for s in service.exporter.get_finished_spans()
            if s.name == "sse push" and format(s.context.trace_id, "032x") == trace_id
        ]

    spans = await eventually(pushed_in_trace, what="an 'sse push' span in the publisher's trace")
    assert spans[0].attributes["palapa.revision"] == 1
    assert spans[0].parent is not None  # under the consumer span, not a new root


async def test_cors_lets_configured_origins_read_the_feed(settings_for, serve):
    async with serve(settings_for(cors_origins=["https://warga.example.go.id"])) as service:
        allowed = await service.http.get("/tickets/CURHAT-1", headers={"Origin": "https://warga.example.go.id"})
        assert allowed.headers["access-control-allow-origin"] == "https://warga.example.go.id"
        other = await service.http.get("/tickets/CURHAT-1", headers={"Origin": "https://lain.example.com"})
        assert "access-control-allow-origin" not in other.headers
        preflight = await service.http.options("/tickets/CURHAT-1/events", headers={
            "Origin": "https://warga.example.go.id", "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-case-key,last-event-id"})
        assert preflight.status_code == 200  # the gate's page may send the case's key


async def test_the_citizen_page_and_its_assets_are_served(service):
    page = await service.http.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Nomor tiket" in page.text and "Lacak" in page.text and 'lang="id"' in page.text
    for asset, kind in (("/app.js", "text/javascript"), ("/style.css", "text/css")):
        res = await service.http.get(asset)
        assert res.status_code == 200 and res.headers["content-type"].startswith(kind)


async def test_stopping_the_service_ends_open_streams(settings_for, serve, update, producer):
    async with httpx.AsyncClient(timeout=httpx.Timeout(10, read=30)) as client:
        async with serve(settings_for()) as service:
            await producer.send(update(TICKET, 1))
            await service.stored(TICKET, 1)
            async with client.stream("GET", f"{service.base_url}/tickets/{TICKET}/events",
                                     headers=service.reads(TICKET)) as res:
                lines = res.aiter_lines()
                assert await anext(lines) == "event: complaint.updated"
                stopping = asyncio.get_running_loop().time()
                service.stop()  # with this stream still open
                # The server cuts the stream (a browser then reconnects elsewhere with Last-Event-ID).
                with pytest.raises(httpx.RemoteProtocolError):
                    async with asyncio.timeout(10):
                        async for _ in lines:
                            pass
            await service.stopped()
        # well inside uvicorn's graceful timeout (5 s): the stream was ended, not waited out
        took = asyncio.get_running_loop().time() - stopping
        assert took < 3, took
