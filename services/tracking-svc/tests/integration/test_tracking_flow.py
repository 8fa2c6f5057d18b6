"""Requests and incidents on the real broker and PostgreSQL: events in → TicketUpdated out → GET /tickets/{ticket}."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import (
    AmbulanceDispatched,
    IncidentReported,
    PatientHandedOver,
    ServiceRequestStatusChanged,
    ServiceRequestSubmitted,
)
from palapa.contracts.topics import EMERGENCY_INCIDENTS
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
PSC = "/apps/psc-119"
SIMAKEL = "/apps/si-makel"


def incident(event_cls, ticket="PSC119-20461", minutes=0, **fields) -> Envelope:
    times = {IncidentReported: "reported_at", AmbulanceDispatched: "dispatched_at", PatientHandedOver: "handed_over_at"}
    event = event_cls(ticket=ticket, source_app="psc-119", source_ref=ticket.split("-")[-1],
                      **{times[event_cls]: T0 + timedelta(minutes=minutes)}, **fields)
    return Envelope(event, source=PSC, subject=ticket)


def reported(ticket="PSC119-20461"):
    return incident(IncidentReported, ticket, 0, kind="persalinan", kelurahan="Kranggan", kecamatan="Prajurit Kulon")


def request(status=None, hours=0, ticket="SIMAKEL-3107") -> Envelope:
    if status is None:
        event = ServiceRequestSubmitted(
            ticket=ticket, source_app="si-makel", source_ref="3107", letter_type="SKD",
            letter_label="Surat Keterangan Domisili", kelurahan="Magersari", kecamatan="Magersari", submitted_at=T0)
    else:
        event = ServiceRequestStatusChanged(ticket=ticket, source_app="si-makel", source_ref="3107", status=status,
                                            changed_at=T0 + timedelta(hours=hours))
    return Envelope(event, source=SIMAKEL, subject=ticket)


async def ticket_at(service, ticket, revision):
    async def check():
        res = await service.http.get(f"/tickets/{ticket}", headers=service.staff)
        return res.json() if res.status_code == 200 and res.json()["revision"] >= revision else None

    return await eventually(check, what=f"{ticket} at revision {revision}")


async def dead_letters(service):
    table = service.runtime.dead_letters
    async with service.runtime.sessions() as s:
        return (await s.execute(select(table.c.reason).order_by(table.c.id))).scalars().all()


async def test_an_incident_shows_its_stages_and_each_change_is_published_once(service, producer):
    await producer.send(reported())
    await producer.send(incident(AmbulanceDispatched, minutes=3, ambulance="AMB-03"))
    await producer.send(incident(PatientHandedOver, minutes=25, facility="RSUD Dr. Wahidin Sudiro Husodo"))
    view = await ticket_at(service, "PSC119-20461", 3)
    assert (view["kind"], view["title"], view["place"]) == (
        "incident", "Gawat darurat PSC 119: persalinan", "Kelurahan Kranggan, Kecamatan Prajurit Kulon")
    handed_over = ("handed_over", "Pasien diserahkan ke RSUD Dr. Wahidin Sudiro Husodo")
    assert (view["status"], view["status_label"]) == handed_over
    assert [s["label"] for s in view["timeline"]] == [
        "Laporan diterima", "Ambulans berangkat", "Pasien diserahkan ke RSUD Dr. Wahidin Sudiro Husodo"]
    await eventually(lambda: service.revisions("PSC119-20461") == [1, 2, 3], what="TicketUpdated 1, 2, 3")
    last = service.published[-1]
    assert last.source == "/services/tracking-svc" and last.subject == "PSC119-20461"
    assert last.data.timeline[-1].status == "handed_over"


async def test_a_request_redelivered_and_out_of_order_is_tracked_without_repeats(service, producer):
    first, verified = request(), request("verified", hours=1)
    for envelope in (first, request("ready", hours=5), verified, verified, first):  # the same ce_ids again
        await producer.send(envelope)
    await producer.send(request("completed", hours=30))
    view = await ticket_at(service, "SIMAKEL-3107", 4)
    assert [s["status"] for s in view["timeline"]] == ["submitted", "verified", "ready", "completed"]
    assert (view["title"], view["status_label"], view["place"]) == (
        "Surat Keterangan Domisili", "Selesai", "Kelurahan Magersari, Kecamatan Magersari")
    await eventually(lambda: service.revisions("SIMAKEL-3107") == [1, 2, 3, 4], what="four updates, once each")
    assert await dead_letters(service) == []


async def test_a_change_for_an_unseen_ticket_opens_it_and_bad_records_are_dead_lettered_without_a_stall(
    service, producer
):
    await producer.raw(EMERGENCY_INCIDENTS.name, b"PSC119-1", b'{"ticket": 1}', {"ce_specversion": "1.0"})
    await producer.send(incident(AmbulanceDispatched, ticket="PSC119-1", minutes=2))  # before its report
    view = await ticket_at(service, "PSC119-1", 1)
    assert (view["title"], view["status_label"], view["place"]) == ("Gawat darurat PSC 119", "Ambulans berangkat", None)
    await producer.send(request("verified", ticket="PSC119-1"))  # a request event for an incident's ticket
    await producer.send(reported(ticket="PSC119-1"))
    view = await ticket_at(service, "PSC119-1", 2)
    assert view["place"] == "Kelurahan Kranggan, Kecamatan Prajurit Kulon"
    assert [s["status"] for s in view["timeline"]] == ["reported", "dispatched"]
    reasons = await eventually(lambda: _at_least(dead_letters(service), 2), what="two dead letters")
    assert sorted(r.split(":")[0] for r in reasons) == [
        "PSC119-1 is tracked as incident; ServiceRequestStatusChanged cannot change it", "missing CloudEvents headers"]


async def test_unknown_and_malformed_tickets_are_refused_with_reasons(service):
    res = await service.http.get("/tickets/SIMAKEL-404", headers=service.staff)
    assert res.status_code == 404
    assert res.json() == {"detail": "Tiket SIMAKEL-404 tidak ditemukan", "reason": "unknown_ticket"}
    for bad in ("simakel-1", "SIMAKEL", "SIMAKEL-1%00", "A-" + "9" * 80):
        res = await service.http.get(f"/tickets/{bad}")
        assert res.status_code == 422, bad
        assert res.json()["reason"] == "malformed_ticket" and "tidak valid" in res.json()["detail"]


async def test_a_guessed_number_reads_nothing_and_answers_as_an_unknown_one(service, producer, identity_provider):
    """PSC119-n and SIMAKEL-n are sequential: without a role to read cases, or the owner's citizen token, every
    number (known or not) gets the same 404, and nothing of the emergency."""
    await producer.send(reported(ticket="PSC119-7"))
    await ticket_at(service, "PSC119-7", 1)
    nobody = {"Authorization": f"Bearer {await identity_provider.token('nobody')}"}
    answers = set()
    for ticket in ("PSC119-7", "PSC119-8", "PSC119-6"):
        res = await service.http.get(f"/tickets/{ticket}")
        answers.add((res.status_code, res.json()["reason"], res.text.replace(ticket, "{t}")))
        refused = await service.http.get(f"/tickets/{ticket}", headers=nobody)  # signed in, without the role
        assert (refused.status_code, refused.json()["reason"]) == (403, "role_missing")
    assert [(s, r) for s, r, _ in answers] == [(404, "unknown_ticket")] and "Kranggan" not in str(answers)


async def _at_least(rows_coro, n):
    rows = await rows_coro
    return rows if len(rows) >= n else None
