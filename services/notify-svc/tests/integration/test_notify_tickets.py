"""Tracked tickets (letter requests, incidents) on the same per-ticket stream as complaints, with resume."""

import pytest

pytestmark = pytest.mark.integration

TICKET = "SIMAKEL-3107"
TICKET_UPDATED = "ticket.updated"


async def test_a_request_update_reaches_a_connected_client_as_a_ticket_update(service, producer, request_update):
    async with service.events(TICKET) as stream:
        await producer.send(request_update(TICKET, 1))
        first = await stream.next_event()
        assert (first.event, first.id) == (TICKET_UPDATED, "1")
        body = first.json()
        assert (body["kind"], body["title"], body["status_label"], body["place"]) == (
            "service_request", "Surat Keterangan Domisili", "Diajukan", "Kelurahan Magersari, Kecamatan Magersari")
        await producer.send(request_update(TICKET, 2))
        assert await stream.revisions(1, TICKET_UPDATED) == [2]
    view = (await service.http.get(f"/tickets/{TICKET}", headers=service.staff)).json()
    assert (view["status_label"], [s["label"] for s in view["timeline"]]) == (
        "Diverifikasi", ["Diajukan", "Diverifikasi"]
    )


async def test_a_client_resuming_a_request_with_last_event_id_gets_exactly_the_missed_revisions(
    service, producer, request_update
):
    for revision in (1, 2, 3):
        await producer.send(request_update(TICKET, revision))
    await service.stored(TICKET, 3)
    async with service.events(TICKET, headers={"Last-Event-ID": "1"}) as stream:
        assert await stream.revisions(2, TICKET_UPDATED) == [2, 3]
        await producer.send(request_update(TICKET, 3))  # a repeat is not sent again
        await producer.send(request_update(TICKET, 4))
        assert await stream.revisions(1, TICKET_UPDATED) == [4]


async def test_complaints_and_tracked_tickets_share_the_feed_without_mixing(service, producer, update, request_update):
    await producer.send(update("CURHAT-1042", 1))
    await producer.send(request_update(TICKET, 1))
    await service.stored("CURHAT-1042", 1)
    await service.stored(TICKET, 1)
    async with service.events("CURHAT-1042") as complaint, service.events(TICKET) as request:
        assert await complaint.revisions(1) == [1]
        assert await request.revisions(1, TICKET_UPDATED) == [1]
