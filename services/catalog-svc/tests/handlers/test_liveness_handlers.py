"""catalog-svc's handlers on a real PostgreSQL, without a broker: heartbeats, quarantined rows and domain traffic
(cameras included), what each stores and which registry events it asks to publish."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from palapa.catalog import tables
from palapa.catalog.liveness import store as liveness_store
from palapa.catalog.liveness.domain import Signs, mark_dormant
from palapa.catalog.liveness.handlers import domain_traffic, heartbeat_changes, on_row_quarantined
from palapa.catalog.registry import store
from palapa.catalog.registry.importing import seed_changes
from palapa.catalog.registry.seed import SEED
from palapa.contracts.envelope import Envelope
from palapa.contracts.events import (
    AppChanged,
    BridgeHeartbeat,
    CameraCameOnline,
    CameraRegistered,
    CameraWentOffline,
    ComplaintSubmitted,
    IncidentReported,
    RowQuarantined,
)
from palapa.kit.consumer import Delivery, each
from palapa.kit.uow import Done, Refused
from palapa.testkit import migrated_session

pytestmark = pytest.mark.integration

THIRTY_DAYS = timedelta(days=30)
T0 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


@pytest.fixture
async def session(database_url):
    async with migrated_session(database_url, tables.metadata) as s:
        known = await store.lock_apps(s, [a.app_id for a in SEED])
        await store.save(s, seed_changes(known, SEED, datetime.now(UTC)))  # the registry as a start leaves it
        yield s


def heartbeat(app_id="psc-119", at=None, lag=0.4) -> Envelope:
    at = at or datetime.now(UTC).replace(microsecond=0)
    beat = BridgeHeartbeat(app_id=app_id, opd="DINKES", bridge="bridge-psc119", at=at, lag_seconds=lag)
    return Envelope(beat, source=f"/apps/{app_id}", subject=app_id)


def delivery(event, at: datetime, source: str) -> Delivery:
    return Delivery(Envelope(event, source=source, subject="x", time=at), {})


def incident(n: int, at: datetime, app="psc-119") -> Delivery:
    e = IncidentReported(ticket=f"PSC119-{n}", source_app=app, source_ref=str(n), reported_at=at)
    return delivery(e, at, "/apps/psc-119")


async def bridge_row(session, app_id):
    return (await session.execute(select(tables.bridges).where(tables.bridges.c.app_id == app_id))).first()


async def test_a_first_heartbeat_is_kept_and_makes_the_app_bridged_with_an_event(session):
    result = await heartbeat_changes(THIRTY_DAYS)(session, heartbeat())
    assert isinstance(result, Done)
    [changed] = [e.data for e in result.publish]
    assert isinstance(changed, AppChanged) and changed.app_id == "psc-119"
    assert changed.changes["tier"].after == "terhubung" and changed.changes["bridge"].after == "bridge-psc119"
    row = await bridge_row(session, "psc-119")
    assert (row.bridge, row.lag_seconds) == ("bridge-psc119", 0.4)


async def test_the_next_heartbeat_updates_the_bridge_state_and_publishes_nothing(session):
    first = datetime.now(UTC).replace(microsecond=0)
    await heartbeat_changes(THIRTY_DAYS)(session, heartbeat(at=first - timedelta(seconds=10)))
    assert await heartbeat_changes(THIRTY_DAYS)(session, heartbeat(at=first, lag=2.0)) is None
    assert (await bridge_row(session, "psc-119")).lag_seconds == 2.0


async def test_an_older_heartbeat_arriving_late_changes_nothing(session):
    now = datetime.now(UTC).replace(microsecond=0)
    await heartbeat_changes(THIRTY_DAYS)(session, heartbeat(at=now, lag=0.4))
    assert await heartbeat_changes(THIRTY_DAYS)(session, heartbeat(at=now - timedelta(minutes=5), lag=9.0)) is None
    row = await bridge_row(session, "psc-119")
    assert (row.last_heartbeat_at, row.lag_seconds) == (now, 0.4)


async def test_a_heartbeat_without_a_time_zone_is_refused_and_records_nothing(session):
    naive = heartbeat(at=datetime(2026, 11, 26, 8, 0))
    results = await each(heartbeat_changes(THIRTY_DAYS))(session, [Delivery(naive, {})])
    assert results == [Refused("heartbeat of psc-119: 'at' has no time zone")]
    assert await bridge_row(session, "psc-119") is None


async def test_each_quarantined_row_is_counted_for_its_app_with_the_latest_reason(session):
    for n, reason in ((1, "tgl_lapor kosong"), (2, "nik tidak sah")):
        row = RowQuarantined(source_app="curhat-ning-ita", source_id=str(n), reason=reason, row={}, seen_at=T0)
        assert await on_row_quarantined(session, Envelope(row, source="/apps/curhat-ning-ita", subject=str(n))) is None
    row = await bridge_row(session, "curhat-ning-ita")
    assert (row.quarantined, row.last_quarantine_reason) == (2, "nik tidak sah")


async def test_domain_events_are_counted_for_their_app_and_the_newest_stays_the_newest(session):
    now = datetime.now(UTC).replace(microsecond=0)
    batch = [incident(1, now - timedelta(minutes=3)), incident(2, now - timedelta(minutes=1)),
             incident(3, now - timedelta(minutes=2))]  # the third is late
    assert await domain_traffic(THIRTY_DAYS)(session, batch) == [None, None, None]
    seen = (await liveness_store.activity(session, "psc-119"))["psc-119"]
    assert (seen["events_seen"], seen["last_event_at"]) == (3, now - timedelta(minutes=1))
    assert seen["last_event_type"] == "palapa.emergency.incident_reported.v1"


async def test_an_event_stamped_far_ahead_counts_as_arriving_now(session):
    now = datetime.now(UTC)
    await domain_traffic(THIRTY_DAYS)(session, [incident(1, now + timedelta(days=900))])
    seen = (await liveness_store.activity(session, "psc-119"))["psc-119"]
    assert seen["last_event_at"] < now + timedelta(minutes=10)


async def test_an_event_naming_no_catalog_app_is_refused_and_the_others_in_its_batch_count(session):
    now = datetime.now(UTC)
    results = await domain_traffic(THIRTY_DAYS)(session, [incident(9, now, app="PSC 119 ☠"), incident(10, now)])
    assert isinstance(results[0], Refused) and "no catalog app id" in results[0].reason
    assert results[1] is None
    assert (await liveness_store.activity(session, "psc-119"))["psc-119"]["events_seen"] == 1


async def test_camera_events_move_their_camera_and_a_late_status_changes_nothing(session):
    events = [CameraRegistered(camera_id="CAM-1", app_id="cctv", location_name="Simpang Empat", registered_at=T0),
              CameraCameOnline(camera_id="CAM-1", app_id="cctv", changed_at=T0 + timedelta(minutes=1)),
              CameraWentOffline(camera_id="CAM-1", app_id="cctv", changed_at=T0 + timedelta(minutes=5)),
              CameraWentOffline(camera_id="CAM-1", app_id="cctv", changed_at=T0 + timedelta(minutes=9)),
              CameraCameOnline(camera_id="CAM-1", app_id="cctv", changed_at=T0 + timedelta(minutes=3))]  # late
    results = await domain_traffic(THIRTY_DAYS)(session, [delivery(e, T0, "/apps/cctv") for e in events])
    assert results == [None] * 5
    [cam] = await liveness_store.cameras_of(session, "cctv")
    assert (cam["location_name"], cam["online"], cam["since"]) == ("Simpang Empat", False, T0 + timedelta(minutes=5))


async def test_a_camera_event_without_a_time_zone_is_refused(session):
    naive = CameraWentOffline(camera_id="CAM-1", app_id="cctv", changed_at=datetime(2026, 11, 26, 8, 0))
    [result] = await domain_traffic(THIRTY_DAYS)(session, [delivery(naive, T0, "/apps/cctv")])
    assert isinstance(result, Refused) and "changed_at has no time zone" in result.reason
    assert await liveness_store.cameras_of(session, "cctv") == []


async def test_a_sign_of_life_brings_a_dormant_app_back_with_an_event(session):
    now = datetime.now(UTC)
    app = (await store.lock_apps(session, ["curhat-ning-ita"]))["curhat-ning-ita"]  # bridged in the seed
    silent = Signs(None, None, now - timedelta(days=40))
    await store.save(session, [mark_dormant(app, silent, now, THIRTY_DAYS)])
    submitted = ComplaintSubmitted(ticket="CURHAT-1", source_app="curhat-ning-ita", source_ref="1",
                                   category="Jalan Rusak", description="Jalan berlubang", submitted_at=now)
    [result] = await domain_traffic(THIRTY_DAYS)(session, [delivery(submitted, now, "/apps/curhat-ning-ita")])
    assert isinstance(result, Done)
    [back] = [e.data for e in result.publish]
    assert isinstance(back, AppChanged) and back.changes["lifecycle"].after == "aktif"
    assert (await store.one_app(session, "curhat-ning-ita"))[0].lifecycle == "aktif"
