"""tracking-svc's handler on a real PostgreSQL, without a broker: Si Makel requests and PSC 119 incidents, what
each batch stores and which TicketUpdated it asks to publish."""

from datetime import UTC, datetime, timedelta

import pytest

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import (
    AmbulanceDispatched,
    IncidentReported,
    ServiceRequestStatusChanged,
    ServiceRequestSubmitted,
    TicketUpdated,
)
from palapa.kit.consumer import Delivery
from palapa.kit.uow import Done, Refused
from palapa.testkit import migrated_session
from palapa.tracking import store, tables
from palapa.tracking.handlers import Tracking

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
SOURCE = "/services/tracking-svc"


@pytest.fixture
async def session(database_url):
    async with migrated_session(database_url, tables.metadata) as s:
        yield s


def delivery(event, source: str) -> Delivery:
    return Delivery(Envelope(event, source=source, subject=event.ticket, time=T0), {})


def submitted(ticket="SIMAKEL-3107") -> Delivery:
    return delivery(ServiceRequestSubmitted(
        ticket=ticket, source_app="si-makel", source_ref="3107", letter_type="SKD",
        letter_label="Surat Keterangan Domisili", kelurahan="Magersari", kecamatan="Magersari", submitted_at=T0),
        "/apps/si-makel")


def request_status(status, hours, ticket="SIMAKEL-3107") -> Delivery:
    return delivery(ServiceRequestStatusChanged(ticket=ticket, source_app="si-makel", source_ref="3107", status=status,
                                                changed_at=T0 + timedelta(hours=hours)), "/apps/si-makel")


def reported(ticket="PSC119-20461") -> Delivery:
    return delivery(IncidentReported(ticket=ticket, source_app="psc-119", source_ref="20461", kind="persalinan",
                                     kelurahan="Kranggan", kecamatan="Prajurit Kulon", reported_at=T0), "/apps/psc-119")


def dispatched(ticket="PSC119-20461", minutes=3) -> Delivery:
    return delivery(AmbulanceDispatched(ticket=ticket, source_app="psc-119", source_ref="20461", ambulance="AMB-03",
                                        dispatched_at=T0 + timedelta(minutes=minutes)), "/apps/psc-119")


def published(results) -> list[TicketUpdated]:
    return [e.data for r in results if isinstance(r, Done) for e in r.publish]


async def test_a_request_and_its_status_in_one_batch_store_one_ticket_and_publish_each_revision(session):
    results = await Tracking(SOURCE).on_tracked(session, [submitted(), request_status("verified", 1)])
    assert [(u.revision, u.status) for u in published(results)] == [(1, "submitted"), (2, "verified")]
    assert all(e.source == SOURCE and e.subject == "SIMAKEL-3107" for r in results for e in r.publish)
    ticket = await store.get(session, "SIMAKEL-3107")
    assert (ticket.revision, ticket.status, ticket.title) == (2, "verified", "Surat Keterangan Domisili")
    assert [s.status for s in ticket.timeline] == ["submitted", "verified"]


async def test_an_incident_shows_its_stages_and_publishes_one_update_per_change(session):
    tracking = Tracking(SOURCE)
    first = await tracking.on_tracked(session, [reported()])
    second = await tracking.on_tracked(session, [dispatched()])
    assert [u.revision for u in published(first) + published(second)] == [1, 2]
    ticket = await store.get(session, "PSC119-20461")
    assert (ticket.status, ticket.place) == ("dispatched", "Kelurahan Kranggan, Kecamatan Prajurit Kulon")


async def test_a_redelivered_event_changes_nothing_and_publishes_nothing(session):
    tracking = Tracking(SOURCE)
    await tracking.on_tracked(session, [submitted(), request_status("verified", 1)])
    assert await tracking.on_tracked(session, [request_status("verified", 1)]) == [None]
    assert await tracking.on_tracked(session, [submitted()]) == [None]
    await tracking.on_tracked(session, [reported(), dispatched()])
    assert await tracking.on_tracked(session, [dispatched()]) == [None]
    assert (await store.get(session, "SIMAKEL-3107")).revision == 2
    assert (await store.get(session, "PSC119-20461")).revision == 2


async def test_a_change_for_an_unseen_ticket_opens_it_and_its_report_completes_it(session):
    tracking = Tracking(SOURCE)
    await tracking.on_tracked(session, [dispatched(ticket="PSC119-1")])
    opened = await store.get(session, "PSC119-1")
    assert (opened.title, opened.place, opened.opened) == ("Gawat darurat PSC 119", None, False)
    await tracking.on_tracked(session, [reported(ticket="PSC119-1")])
    completed = await store.get(session, "PSC119-1")
    assert (completed.revision, completed.opened, [s.status for s in completed.timeline]) == (
        2, True, ["reported", "dispatched"])


async def test_an_event_that_can_never_apply_is_refused_with_the_reason_and_the_rest_of_its_batch_applies(session):
    tracking = Tracking(SOURCE)
    await tracking.on_tracked(session, [reported(ticket="PSC119-1")])
    results = await tracking.on_tracked(session, [request_status("verified", 1, ticket="PSC119-1"), submitted()])
    assert results[0] == Refused("PSC119-1 is tracked as incident; ServiceRequestStatusChanged cannot change it")
    assert isinstance(results[1], Done)
    assert (await store.get(session, "PSC119-1")).revision == 1
    assert (await store.get(session, "SIMAKEL-3107")).revision == 1
