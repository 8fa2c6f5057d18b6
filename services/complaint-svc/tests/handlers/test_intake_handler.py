"""The intake handler on a real PostgreSQL, without a broker: what it stores and what it asks to publish."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from palapa.complaint import tables
from palapa.complaint.handlers import Intake
from palapa.complaint.lifecycle import store
from palapa.complaint.routing.policy import Policies
from palapa.complaint.sla.workdays import WorkCalendar
from palapa.contracts.envelope import Envelope
from palapa.contracts.events import (
    ComplaintMoveSuperseded,
    ComplaintStatusChangedV2,
    ComplaintSubmittedV2,
    ComplaintUpdatedV2,
)
from palapa.kit.consumer import Delivery
from palapa.kit.metrics import Metrics
from palapa.kit.uow import Done, Refused
from palapa.testkit import migrated_session

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)
WIB = timezone(timedelta(hours=7))
FIVE = Policies(WorkCalendar(), 3, 5)
CODES = {"received": "0", "verified": "1", "in_progress": "2", "resolved": "3", "rejected": "9"}


@pytest.fixture
async def session(database_url):
    async with migrated_session(database_url, tables.metadata) as s:
        yield s


def delivery(event) -> Delivery:
    return Delivery(Envelope(event, source="/apps/curhat-ning-ita", subject=event.ticket), {})


def submitted(ticket="CURHAT-1"):
    return ComplaintSubmittedV2(ticket=ticket, source_app="curhat-ning-ita", source_ref=ticket.split("-")[1],
                              category="Jalan Rusak", description="Jalan berlubang", submitted_at=T0)


def changed(status, ticket="CURHAT-1", hours=1):
    return ComplaintStatusChangedV2(ticket=ticket, source_app="curhat-ning-ita", source_ref=ticket.split("-")[1],
                                    status=status, legacy_status=CODES[status], changed_at=T0 + timedelta(hours=hours))


async def test_a_submission_and_its_change_in_one_batch_store_one_case_and_publish_each_revision(session):
    intake = Intake("/services/complaint-svc", FIVE)
    results = await intake.on_intake(session, [delivery(submitted()), delivery(changed("in_progress"))])
    published = [r.publish[0].data for r in results]
    assert all(isinstance(r, Done) for r in results)
    assert [(u.revision, u.status) for u in published] == [(1, "received"), (2, "in_progress")]
    assert all(isinstance(u, ComplaintUpdatedV2) for u in published)
    case = await store.get(session, "CURHAT-1")
    assert (case.revision, case.status, len(case.timeline)) == (2, "in_progress", 2)


async def test_a_change_for_an_unknown_ticket_is_refused_with_the_reason_and_nothing_is_stored(session):
    intake = Intake("/services/complaint-svc", FIVE)
    results = await intake.on_intake(session, [delivery(changed("verified", "CURHAT-9"))])
    assert results == [Refused("status change for unknown ticket CURHAT-9: no ComplaintSubmitted seen")]
    assert await store.get(session, "CURHAT-9") is None


async def test_the_same_status_again_changes_nothing_and_publishes_nothing(session):
    intake = Intake("/services/complaint-svc", FIVE)
    await intake.on_intake(session, [delivery(submitted())])
    assert await intake.on_intake(session, [delivery(changed("received"))]) == [None]
    assert (await store.get(session, "CURHAT-1")).revision == 1


async def test_a_refused_event_in_a_batch_leaves_the_others_applied(session):
    intake = Intake("/services/complaint-svc", FIVE)
    results = await intake.on_intake(
        session, [delivery(submitted("CURHAT-2")), delivery(changed("verified", "CURHAT-404")),
                  delivery(changed("verified", "CURHAT-2"))]
    )
    assert [type(r) for r in results] == [Done, Refused, Done]
    assert (await store.get(session, "CURHAT-2")).status == "verified"


async def test_the_stored_case_is_due_at_the_end_of_the_fifth_working_day_after_idul_fitri_and_cuti_bersama(session):
    before_lebaran = datetime(2026, 3, 17, 14, 0, tzinfo=WIB)  # Tuesday afternoon, the last working day before
    event = ComplaintSubmittedV2(ticket="CURHAT-77", source_app="curhat-ning-ita", source_ref="77",
                               category="Sampah", description="Sampah menumpuk", submitted_at=before_lebaran)
    [result] = await Intake("/services/complaint-svc", FIVE).on_intake(session, [delivery(event)])
    assert isinstance(result, Done)
    stored = await store.get(session, "CURHAT-77")
    assert stored.due_at == datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=WIB)


async def test_the_legacy_apps_moves_back_are_stored_published_and_counted_as_corrections_never_refused(session):
    corrections = Metrics("complaint-svc").legacy_corrections
    intake = Intake("/services/complaint-svc", FIVE, corrections=corrections)
    moves = [changed("in_progress", hours=1), changed("verified", hours=2), changed("in_progress", hours=3),
             changed("resolved", hours=4), changed("in_progress", hours=5), changed("in_progress", hours=6)]
    results = await intake.on_intake(session, [delivery(submitted()), *map(delivery, moves)])
    assert [type(r) for r in results] == [Done, Done, Done, Done, Done, Done, type(None)]
    case = await store.get(session, "CURHAT-1")
    assert [(s.status, s.note) for s in case.timeline] == [
        ("received", None), ("in_progress", None), ("verified", "Dikoreksi di curhat-ning-ita: kode 1 (Diverifikasi)"),
        ("in_progress", None), ("resolved", None),
        ("in_progress", "Dikoreksi di curhat-ning-ita: kode 2 (Sedang diproses)")]
    assert (case.status, case.sla_round) == ("in_progress", 1)
    assert results[-2].publish[0].data.timeline[-1].note.startswith("Dikoreksi di curhat-ning-ita")
    assert corrections.labels(app="curhat-ning-ita")._value.get() == 2


async def test_a_superseded_staff_move_is_stored_on_the_timeline_and_the_app_s_moves_stage_no_command(session):
    intake = Intake("/services/complaint-svc", FIVE)
    answer = ComplaintMoveSuperseded(ticket="CURHAT-1", source_app="curhat-ning-ita", source_ref="1",
                                     status="in_progress", by="ani.dpupr", revision=2, legacy_status="9",
                                     legacy_case_status="rejected", superseded_at=T0 + timedelta(hours=2))
    results = await intake.on_intake(session, [delivery(submitted()), delivery(changed("verified")),
                                               delivery(answer), delivery(changed("rejected", hours=3))])
    assert all(isinstance(r, Done) for r in results)
    published = [e.data for r in results for e in r.publish]
    assert all(isinstance(e, ComplaintUpdatedV2) for e in published)  # nothing for the bridge: no loop
    case = await store.get(session, "CURHAT-1")
    assert [(s.status, s.note) for s in case.timeline][2:] == [
        ("verified", "Langkah dari portal oleh ani.dpupr (Sedang diproses) digantikan oleh curhat-ning-ita: "
                     "kode 9 (Ditolak)"),
        ("rejected", "Ditolak di curhat-ning-ita (kode 9)")]
