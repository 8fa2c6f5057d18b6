"""The tracking handler on a real PostgreSQL, without a broker: a correction is stored, published and counted."""

from datetime import UTC, datetime, timedelta

import pytest

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ServiceRequestStatusChanged, ServiceRequestSubmitted
from palapa.kit.consumer import Delivery
from palapa.kit.metrics import Metrics
from palapa.kit.uow import Done
from palapa.testkit import migrated_session
from palapa.tracking import store, tables
from palapa.tracking.handlers import Tracking

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def delivery(event) -> Delivery:
    return Delivery(Envelope(event, source="/apps/si-makel", subject=event.ticket), {})


def moved(status, hours):
    return ServiceRequestStatusChanged(ticket="SIMAKEL-1", source_app="si-makel", source_ref="1", status=status,
                                       legacy_status="2", changed_at=T0 + timedelta(hours=hours))


async def test_a_letter_the_app_sets_back_is_stored_published_with_its_note_and_counted(database_url):
    corrections = Metrics("tracking-svc").legacy_corrections
    tracking = Tracking("/services/tracking-svc", corrections)
    submitted = ServiceRequestSubmitted(ticket="SIMAKEL-1", source_app="si-makel", source_ref="1", letter_type="SKD",
                                        letter_label="Surat Keterangan Domisili", submitted_at=T0)
    async with migrated_session(database_url, tables.metadata) as session:
        results = await tracking.on_tracked(session, [delivery(submitted), delivery(moved("ready", 2)),
                                                      delivery(moved("in_progress", 3))])
        assert all(isinstance(r, Done) for r in results)
        stored = await store.get(session, "SIMAKEL-1")
    assert stored.status == "in_progress"
    assert stored.timeline[-1].note == "Dikoreksi di si-makel: kode 2 (Sedang diproses)"
    assert results[-1].publish[0].data.timeline[-1].note == stored.timeline[-1].note
    assert corrections.labels(app="si-makel")._value.get() == 1
