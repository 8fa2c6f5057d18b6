"""End to end across processes: PSC 119 incident events on Kafka reach tracking-svc's ticket view and the citizen's
SSE stream on notify-svc, live, and a reconnecting client resumes after its Last-Event-ID."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import AmbulanceDispatched, IncidentReported
from palapa.testkit import EventProducer, eventually
from palapa.testkit.identity import Identity
from palapa.testkit.sse import open_stream

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

T0 = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
TICKET = "PSC119-90001"


def psc(event) -> Envelope:
    return Envelope(event, source="/apps/psc-119", subject=event.ticket)


async def test_an_incident_reaches_the_citizen_live_and_a_reconnect_resumes_after_last_event_id(platform):
    tracking_url = platform.running["tracking-svc"].url
    notify_url = platform.running["notify-svc"].url
    producer = EventProducer(platform.kafka, signer=platform.tool_signer)
    await producer.kafka.start()
    received: list = []
    # an incident has no capability (its citizen will claim it through the gate): staff follow it here
    staff = {"Authorization": f"Bearer {await Identity(platform.issuer).token('desk')}"}
    try:
        async with httpx.AsyncClient(timeout=5) as http:
            refused = await http.get(f"{notify_url}/tickets/{TICKET}/events")
            assert (refused.status_code, refused.json()["reason"]) == (401, "capability_required")

            async def follow():
                async with open_stream(http, f"{notify_url}/tickets/{TICKET}/events", headers=staff) as stream:
                    async for ev in stream:
                        received.append(ev)

            follower = asyncio.create_task(follow())
            try:
                await producer.send(psc(IncidentReported(
                    ticket=TICKET, source_app="psc-119", source_ref="90001", kind="persalinan", kelurahan="Kranggan",
                    kecamatan="Prajurit Kulon", reported_at=T0)))
                await eventually(lambda: len(received) >= 1, what="the incident on the SSE stream")
                assert (received[0].event, received[0].id) == ("ticket.updated", "1")
                assert received[0].json()["status_label"] == "Laporan diterima"
                await producer.send(psc(AmbulanceDispatched(
                    ticket=TICKET, source_app="psc-119", source_ref="90001", dispatched_at=T0 + timedelta(minutes=4))))
                await eventually(lambda: len(received) >= 2, what="the dispatch on the SSE stream")
                assert received[1].json()["status_label"] == "Ambulans berangkat"
            finally:
                follower.cancel()
                await asyncio.gather(follower, return_exceptions=True)

            async with open_stream(http, f"{notify_url}/tickets/{TICKET}/events", last_event_id="1",
                                   headers=staff) as stream:
                again = await stream.next_event()
                assert (again.id, again.json()["status"]) == ("2", "dispatched")

            # its number is no key: without a role (or its owner's citizen token) tracking-svc knows no such ticket
            guessed = await http.get(f"{tracking_url}/tickets/{TICKET}")
            assert (guessed.status_code, guessed.json()["reason"]) == (404, "unknown_ticket")
            view = (await http.get(f"{tracking_url}/tickets/{TICKET}", headers=staff)).json()
            assert (view["revision"], view["place"]) == (2, "Kelurahan Kranggan, Kecamatan Prajurit Kulon")
            assert [s["label"] for s in view["timeline"]] == ["Laporan diterima", "Ambulans berangkat"]
    finally:
        await producer.kafka.stop()
