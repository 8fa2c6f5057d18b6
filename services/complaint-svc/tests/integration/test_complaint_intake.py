"""The intake on the real broker and PostgreSQL: cases, timelines, updates, redeliveries, dead letters."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from palapa.complaint import tables
from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintStatusChanged, ComplaintSubmitted
from palapa.contracts.topics import COMPLAINT_INTAKE
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)
SOURCE = "/apps/curhat-ning-ita"


def submitted(ticket="CURHAT-1042", status="received", legacy="0") -> Envelope:
    event = ComplaintSubmitted(
        ticket=ticket, source_app="curhat-ning-ita", source_ref=ticket.split("-")[-1], category="Jalan Rusak ",
        description="Jalan berlubang di depan SDN Kranggan 2", status=status, legacy_status=legacy, submitted_at=T0,
    )
    return Envelope(event, source=SOURCE, subject=ticket)


def changed(status, legacy, hours, ticket="CURHAT-1042") -> Envelope:
    event = ComplaintStatusChanged(
        ticket=ticket, source_app="curhat-ning-ita", source_ref=ticket.split("-")[-1], status=status,
        legacy_status=legacy, changed_at=T0 + timedelta(hours=hours),
    )
    return Envelope(event, source=SOURCE, subject=ticket)


async def case_at(service, ticket, revision):
    async def check():
        res = await service.http.get(f"/complaints/{ticket}", headers=service.desk)
        return res.json() if res.status_code == 200 and res.json()["revision"] >= revision else None

    return await eventually(check, what=f"{ticket} at revision {revision}")


async def dead_letters(service):
    table = service.runtime.dead_letters
    async with service.runtime.sessions() as s:
        return (await s.execute(select(table.c.reason, table.c.key, table.c.value).order_by(table.c.id))).all()


async def test_a_submitted_complaint_and_its_status_change_show_up_with_the_timeline(service, producer):
    await producer.send(submitted())
    await producer.send(changed("in_progress", "2", hours=3))
    case = await case_at(service, "CURHAT-1042", 2)
    assert (case["status"], case["status_label"], case["opd"], case["category"]) == (
        "in_progress", "Sedang diproses", "DPUPR", "Jalan Rusak")
    assert case["source_app"] == "curhat-ning-ita"
    assert datetime.fromisoformat(case["submitted_at"]) == T0
    assert datetime.fromisoformat(case["updated_at"]) == T0 + timedelta(hours=3)
    # Friday 08:30 WIB: five working days end with Friday 2026-11-27 in WIB
    assert datetime.fromisoformat(case["due_at"]) == datetime(2026, 11, 27, 16, 59, 59, 999999, tzinfo=UTC)
    assert [(t["status"], t["label"], t["legacy_status"]) for t in case["timeline"]] == [
        ("received", "Diterima", "0"), ("in_progress", "Sedang diproses", "2")]
    await eventually(lambda: service.updates.revisions("CURHAT-1042") == [1, 2], what="ComplaintUpdated 1 and 2")
    last = service.updates.seen[-1]
    assert last.source == "/services/complaint-svc" and last.subject == "CURHAT-1042"
    assert [t.status for t in last.data.timeline] == ["received", "in_progress"]


async def test_a_redelivered_event_changes_nothing(service, producer):
    first, change = submitted(), changed("verified", "1", hours=1)
    await producer.send(first)
    await producer.send(change)
    await producer.send(first)  # at-least-once: the same ce_id again
    await producer.send(change)
    await producer.send(changed("resolved", "3", hours=9))  # same key, so it comes after the redeliveries
    case = await case_at(service, "CURHAT-1042", 3)
    assert case["revision"] == 3
    assert [t["status"] for t in case["timeline"]] == ["received", "verified", "resolved"]
    await eventually(lambda: service.updates.revisions("CURHAT-1042") == [1, 2, 3], what="three updates, once each")
    assert await dead_letters(service) == []


async def test_a_resync_under_a_new_event_id_does_not_duplicate_the_case(service, producer):
    await producer.send(submitted())
    await producer.send(submitted())  # the bridge resyncs: a new event id, the same status
    await producer.send(submitted(status="verified", legacy="1"))  # a resync that saw a change
    case = await case_at(service, "CURHAT-1042", 2)
    assert [t["status"] for t in case["timeline"]] == ["received", "verified"]
    await eventually(lambda: service.updates.revisions("CURHAT-1042") == [1, 2], what="two updates")
    async with service.runtime.sessions() as s:
        assert len((await s.execute(select(tables.cases.c.ticket))).all()) == 1


async def test_a_malformed_record_and_a_change_for_an_unknown_ticket_are_dead_lettered_and_consumption_goes_on(
    service, producer
):
    await producer.raw(COMPLAINT_INTAKE.name, b"CURHAT-1", b'{"ticket": 1}', {"ce_specversion": "1.0"})
    await producer.send(changed("verified", "1", hours=1, ticket="CURHAT-404"))
    good = submitted(ticket="CURHAT-404")
    await producer.send(good)
    await producer.send(submitted(ticket="CURHAT-1"))  # the malformed record's key: its partition goes on
    await case_at(service, "CURHAT-404", 1)
    await case_at(service, "CURHAT-1", 1)
    rows = await eventually(lambda: _two(dead_letters(service)), what="two dead letters")
    reasons = sorted(r.reason for r in rows)
    assert reasons[0].startswith("missing CloudEvents headers")
    assert reasons[1] == "status change for unknown ticket CURHAT-404: no ComplaintSubmitted seen"
    await eventually(lambda: service.updates.revisions("CURHAT-404") == [1], what="the good case's update")


async def _two(rows_coro):
    rows = await rows_coro
    return rows if len(rows) == 2 else None


async def test_a_complaint_signed_by_another_app_than_its_source_app_opens_no_case(service, producer):
    event = submitted().data  # says it came through Curhat Ning Ita
    forged = Envelope(event, source="/apps/psc-119", subject=event.ticket)  # signed as PSC 119 (a valid key)
    await producer.send(forged)
    await producer.send(submitted(ticket="CURHAT-1043"))  # behind it on another key: proof it was handled
    await case_at(service, "CURHAT-1043", 1)
    rows = await eventually(lambda: dead_letters(service), what="the dead letter")
    assert "source_app 'curhat-ning-ita' is not the app that signed it ('psc-119')" in rows[0].reason
    assert (await service.http.get("/complaints/CURHAT-1042", headers=service.desk)).status_code == 404


async def test_an_unsigned_complaint_opens_no_case(service, producer):
    await producer.send(submitted(), signed=False)
    rows = await eventually(lambda: dead_letters(service), what="the dead letter")
    assert rows[0].reason == "signature refused: unsigned event: no ce_signature header"
    assert (await service.http.get("/complaints/CURHAT-1042", headers=service.desk)).status_code == 404
