"""The catalog on the real broker and PostgreSQL: seed, heartbeats, quarantine counts, the API."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from palapa.catalog import tables
from palapa.contracts.envelope import Envelope
from palapa.contracts.events import BridgeHeartbeat, RowQuarantined
from palapa.contracts.topics import BRIDGE_HEARTBEATS
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

SOURCE = "/apps/curhat-ning-ita"


def heartbeat(at: datetime, lag: float, app_id="curhat-ning-ita", **sweep) -> Envelope:
    event = BridgeHeartbeat(
        app_id=app_id, opd="DISKOMINFO", bridge="bridge-curhat", last_change_seen=at - timedelta(seconds=lag),
        lag_seconds=lag, rows_translated=42, rows_quarantined=2, at=at, **sweep,
    )
    return Envelope(event, source=SOURCE, subject=app_id, time=at)


def quarantined(n: int) -> Envelope:
    event = RowQuarantined(source_app="curhat-ning-ita", source_id=str(n), reason="tgl_lapor kosong",
                           row={"id_pengaduan": n, "tgl_lapor": ""}, seen_at=datetime.now(UTC))
    return Envelope(event, source=SOURCE, subject=f"curhat-ning-ita:{n}")


async def app_where(catalog, app_id, check, what):
    async def poll():
        body = (await catalog.http.get(f"/apps/{app_id}")).json()
        return body if check(body) else None

    return await eventually(poll, what=what)


async def test_a_heartbeat_on_the_broker_shows_the_app_alive_with_its_lag(catalog, producer):
    before = (await catalog.http.get("/apps/curhat-ning-ita")).json()
    assert (before["liveness"], before["last_heartbeat_at"], before["bridge"]) == (
        "tidak ada kabar", None, "bridge-curhat")
    at = datetime.now(UTC)
    await producer.send(heartbeat(at, lag=2.5))
    body = await app_where(catalog, "curhat-ning-ita", lambda b: b["liveness"] == "hidup", "the app to be alive")
    assert body["lag_seconds"] == 2.5
    assert datetime.fromisoformat(body["last_heartbeat_at"]) == at
    assert (body["rows_translated"], body["rows_quarantined"]) == (42, 2)
    assert (body["legacy_mismatches"], body["last_sweep_at"]) == (None, None)  # no sweep reported yet
    listed = (await catalog.http.get("/apps", params={"q": "curhat"})).json()["items"]
    assert [(a["app_id"], a["liveness"], a["lag_seconds"]) for a in listed] == [("curhat-ning-ita", "hidup", 2.5)]
    swept_at = at - timedelta(minutes=3)
    await producer.send(heartbeat(at + timedelta(seconds=5), lag=0, legacy_mismatches=3, last_sweep_at=swept_at))
    body = await app_where(catalog, "curhat-ning-ita", lambda b: b["legacy_mismatches"] is not None, "the sweep")
    assert body["legacy_mismatches"] == 3 and datetime.fromisoformat(body["last_sweep_at"]) == swept_at


async def test_an_old_heartbeat_arriving_late_does_not_replace_a_newer_one(catalog, producer):
    now = datetime.now(UTC)
    await producer.send(heartbeat(now, lag=0.0))
    await producer.send(heartbeat(now - timedelta(minutes=5), lag=99.0))
    await producer.send(heartbeat(now - timedelta(minutes=5), lag=98.0, app_id="sentinel"))  # comes after both
    async def sentinel_seen():
        async with catalog.runtime.sessions() as s:
            bridges = tables.bridges
            return (await s.execute(select(bridges.c.app_id).where(bridges.c.app_id == "sentinel"))).first()
    await eventually(sentinel_seen, what="the heartbeat after the late one")
    body = (await catalog.http.get("/apps/curhat-ning-ita")).json()
    assert (body["liveness"], body["lag_seconds"]) == ("hidup", 0.0)


async def test_a_bridge_silent_for_three_intervals_is_not_heard_from(catalog, producer):
    await producer.send(heartbeat(datetime.now(UTC) - timedelta(seconds=31), lag=0.0))
    body = await app_where(catalog, "curhat-ning-ita", lambda b: b["last_heartbeat_at"] is not None, "the heartbeat")
    assert body["liveness"] == "tidak ada kabar"


async def test_quarantined_rows_are_counted_per_app_once_each(catalog, producer):
    first = quarantined(1)
    await producer.send(first)
    await producer.send(first)  # redelivered
    await producer.send(quarantined(2))
    body = await app_where(catalog, "curhat-ning-ita", lambda b: b["quarantined"] >= 2, "two quarantined rows")
    assert body["quarantined"] == 2


async def test_a_bad_heartbeat_record_is_dead_lettered_and_the_next_one_counts(catalog, producer):
    await producer.raw(BRIDGE_HEARTBEATS.name, b"curhat-ning-ita", b"{}", {
        "ce_specversion": "1.0", "ce_id": "x1", "ce_source": SOURCE, "ce_type": "palapa.bridge.heartbeat.v1",
        "ce_time": datetime.now(UTC).isoformat()})
    await producer.send(heartbeat(datetime.now(UTC), lag=1.0))
    await app_where(catalog, "curhat-ning-ita", lambda b: b["liveness"] == "hidup", "the good heartbeat")
    dl = catalog.runtime.dead_letters
    async with catalog.runtime.sessions() as s:
        reasons = (await s.execute(select(dl.c.reason))).scalars().all()
    assert len(reasons) == 1 and reasons[0].startswith("palapa.bridge.heartbeat.v1 payload invalid")


async def test_the_seed_loads_idempotently_across_restarts(settings, serve):
    async with serve(settings) as catalog:
        pass
    async with serve(settings) as catalog:
        items = (await catalog.http.get("/apps")).json()["items"]
    assert sorted(a["app_id"] for a in items) == [
        "cctv", "cek-pbb", "curhat-ning-ita", "psc-119", "puskesmas-antrian", "si-makel"]
    assert {a["app_id"]: a["liveness"] for a in items}["psc-119"] == "tanpa bridge"


async def test_the_listing_filters_and_refuses_bad_parameters_with_a_reason(catalog):
    by_opd = (await catalog.http.get("/apps", params={"opd": "bapenda"})).json()["items"]
    assert [a["name"] for a in by_opd] == ["Cek PBB"]
    staff = (await catalog.http.get("/apps", params={"audience": "pegawai"})).json()["items"]
    assert [a["app_id"] for a in staff] == ["si-makel"]
    bad = await catalog.http.get("/apps", params={"audience": "publik"})
    assert (bad.status_code, bad.json()["reason"]) == (422, "invalid_audience")


async def test_an_unknown_app_is_a_404_with_the_reason(catalog):
    res = await catalog.http.get("/apps/lapor-hilang")
    assert res.status_code == 404
    assert res.json() == {"detail": "Aplikasi lapor-hilang tidak ada di katalog", "reason": "unknown_app"}
    assert (await catalog.http.get("/apps/Not An Id")).json()["reason"] == "malformed_app_id"
