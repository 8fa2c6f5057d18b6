"""The updates handler on a real PostgreSQL, without a broker: each revision stored once, fresh ones pushed."""

from datetime import UTC, datetime

import pytest

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintUpdated, TimelineEntry
from palapa.kit.consumer import Delivery
from palapa.notify import store, tables
from palapa.notify.handlers import ViewUpdates
from palapa.notify.hub import Hub
from palapa.testkit import migrated_session

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)


@pytest.fixture
async def session(database_url):
    async with migrated_session(database_url, tables.metadata) as s:
        yield s


def delivery(ticket: str, revision: int) -> Delivery:
    update = ComplaintUpdated(
        ticket=ticket, revision=revision, status="received", status_label="Diterima", opd="DPUPR",
        source_app="curhat-ning-ita", submitted_at=T0, updated_at=T0,
        timeline=(TimelineEntry(status="received", label="Diterima", at=T0),),
    )
    return Delivery(
        Envelope(update, source="/services/complaint-svc", subject=ticket),
        {"traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"},
    )


async def test_each_revision_is_stored_once_and_only_fresh_ones_are_handed_to_the_hub(session):
    handler = ViewUpdates(Hub())
    first = await handler.on_updated(
        session, [delivery("CURHAT-1", 1), delivery("CURHAT-1", 1), delivery("CURHAT-1", 2)]
    )
    assert [r.result.revision if r.result else None for r in first] == [1, None, 2]
    again = await handler.on_updated(session, [delivery("CURHAT-1", 2)])
    assert again[0].result is None
    stored = await store.history(lambda: _Borrowed(session), "CURHAT-1")
    assert [u.revision for u in stored] == [1, 2]
    assert stored[0].carrier["traceparent"].startswith("00-111")


class _Borrowed:
    """The test's open session, lent to store.history (which expects a session factory)."""

    def __init__(self, session) -> None:
        self.session = session

    async def __aenter__(self):
        return self.session

    async def __aexit__(self, *exc) -> None:
        return None
