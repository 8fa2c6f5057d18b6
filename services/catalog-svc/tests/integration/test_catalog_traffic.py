"""Entries kept live by events, on the real broker and PostgreSQL: domain traffic, quarantine, cameras, dormancy."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import (
    BridgeHeartbeat,
    CameraCameOnline,
    CameraRegistered,
    CameraWentOffline,
    IncidentReported,
    RowQuarantined,
    TaxBillPaid,
)
from palapa.contracts.topics import CATALOG_APPS
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


@pytest.fixture
def live_settings(settings):
    """Following every domain topic (a group join each: one service start for all traffic checks)."""
    return settings.model_copy(update={"follow_traffic": True})


@pytest.fixture
def quick_dormancy(settings):
    """A bridged app silent for 2 s is a dormant candidate, checked every 0.2 s (heartbeats only: a quick start)."""
    return settings.model_copy(update={"dormant_after_days": 2 / 86400, "dormant_check_seconds": 0.2})


def incident(n: int, at: datetime) -> Envelope:
    e = IncidentReported(ticket=f"PSC119-{n}", source_app="psc-119", source_ref=str(n), reported_at=at)
    return Envelope(e, source="/apps/psc-119", subject=e.ticket, time=at)


def camera(event) -> Envelope:
    return Envelope(event, source="/apps/cctv", subject=event.camera_id)


async def entry_where(catalog, app_id, check, what):
    async def poll():
        body = (await catalog.http.get(f"/apps/{app_id}")).json()
        return body if check(body) else None

    return await eventually(poll, timeout=60, what=what)  # the dormancy check and consumers share a loaded machine


async def test_domain_events_quarantine_and_cameras_show_in_each_entry(live_settings, serve, producer):
    now = datetime.now(UTC).replace(microsecond=0)
    async with serve(live_settings) as catalog:
        await producer.send(incident(1, now - timedelta(minutes=3)))
        await producer.send(incident(2, now - timedelta(minutes=1)))
        await producer.send(incident(3, now - timedelta(minutes=2)))  # late: the newest stays the newest
        paid = TaxBillPaid(nop="357601000100201230", year=2026, source_app="cek-pbb", paid_at=now)
        await producer.send(Envelope(paid, source="/apps/cek-pbb", subject=paid.nop, time=now + timedelta(days=900)))
        await producer.send(Envelope(RowQuarantined(source_app="psc-119", source_id="7", reason="tgl kosong", row={},
                                                    seen_at=now), source="/apps/psc-119", subject="psc-119:7"))
        psc = await entry_where(catalog, "psc-119", lambda b: b["health"]["events_seen"] == 3
                                and b["health"]["quarantined"] == 1, "three incidents and a quarantined row")
        assert datetime.fromisoformat(psc["health"]["last_event_at"]) == now - timedelta(minutes=1)
        assert psc["health"]["last_event_type"] == "palapa.emergency.incident_reported.v1"
        assert psc["health"]["last_quarantine_reason"] == "tgl kosong"
        beat = BridgeHeartbeat(app_id="psc-119", opd="DINKES", bridge="bridge-psc119", at=now, lag_seconds=0.4)
        await producer.send(Envelope(beat, source="/apps/psc-119", subject="psc-119"))
        bridged = await entry_where(catalog, "psc-119", lambda b: b["tier"] == "terhubung", "psc-119 bridged")
        assert (bridged["bridge"], bridged["health"]["freshness_lag_seconds"]) == ("bridge-psc119", 0.4)
        latest = (await catalog.http.get("/apps/psc-119/history")).json()["items"][0]
        assert (latest["actor"], latest["changes"]["tier"]) == (
            "catalog-svc", {"before": "tautan", "after": "terhubung"})
        pbb = await entry_where(catalog, "cek-pbb", lambda b: b["health"]["events_seen"] == 1, "the paid bill")
        assert datetime.fromisoformat(pbb["health"]["last_event_at"]) < now + timedelta(minutes=10)  # clock skew cut

        for e in (CameraRegistered(camera_id="CAM-1", app_id="cctv", location_name="Simpang Empat", registered_at=T0),
                  CameraRegistered(camera_id="CAM-2", app_id="cctv", location_name="Alun-alun", registered_at=T0),
                  CameraCameOnline(camera_id="CAM-1", app_id="cctv", changed_at=T0 + timedelta(minutes=1)),
                  CameraWentOffline(camera_id="CAM-1", app_id="cctv", changed_at=T0 + timedelta(minutes=5)),
                  CameraWentOffline(camera_id="CAM-1", app_id="cctv", changed_at=T0 + timedelta(minutes=9)),
                  CameraCameOnline(camera_id="CAM-1", app_id="cctv", changed_at=T0 + timedelta(minutes=3)),  # late
                  CameraCameOnline(camera_id="CAM-3", app_id="cctv", changed_at=T0)):  # never registered
            await producer.send(camera(e))
        cctv = await entry_where(catalog, "cctv", lambda b: b["health"]["events_seen"] == 7, "seven camera events")
        cams = {c["camera_id"]: (c["status"], c["since"], c["location_name"]) for c in cctv["cameras"]["items"]}
        assert cams == {"CAM-1": ("luring", "2026-11-26T01:05:00Z", "Simpang Empat"),
                        "CAM-2": ("belum diketahui", None, "Alun-alun"),
                        "CAM-3": ("daring", "2026-11-26T01:00:00Z", None)}
        assert {k: cctv["cameras"][k] for k in ("total", "online", "offline", "unknown")} == {
            "total": 3, "online": 1, "offline": 1, "unknown": 1}

        # an event naming no catalog app is dead-lettered with the reason; the next one counts
        bad = IncidentReported(ticket="PSC119-9", source_app="PSC 119 ☠", source_ref="9", reported_at=T0)
        await producer.send(Envelope(bad, source="/apps/psc-119", subject=bad.ticket))
        await producer.send(incident(10, datetime.now(UTC)))
        await entry_where(catalog, "psc-119", lambda b: b["health"]["events_seen"] == 4, "the good incident")
        async with catalog.runtime.sessions() as s:
            reasons = (await s.execute(select(catalog.runtime.dead_letters.c.reason))).scalars().all()
        assert len(reasons) == 1 and "no catalog app id" in reasons[0]


async def test_a_silent_bridged_app_becomes_a_dormant_candidate_and_comes_back_with_a_heartbeat(
        quick_dormancy, serve, producer, topic_reader):
    async with serve(quick_dormancy) as catalog:
        curhat = await entry_where(catalog, "curhat-ning-ita", lambda b: b["lifecycle"] == "dorman",
                                   "curhat-ning-ita to be marked dormant")
        assert curhat["dormancy"]["candidate"] is True
        evidence = curhat["dormancy"]["evidence"]
        assert (evidence["last_heartbeat_at"], evidence["last_event_at"]) == (None, None)
        assert evidence["threshold_days"] == pytest.approx(2 / 86400)
        cek = (await catalog.http.get("/apps/cek-pbb")).json()
        assert cek["lifecycle"] == "aktif"  # listed with a link out: not observable, never marked
        history = (await catalog.http.get("/apps/curhat-ning-ita/history")).json()["items"]
        assert (history[0]["action"], history[0]["actor"]) == ("marked_dormant", "catalog-svc")
        report = (await catalog.http.get("/report")).json()
        assert "curhat-ning-ita" in [c["app_id"] for c in report["dormant_candidates"]["apps"]]

        beat = BridgeHeartbeat(app_id="curhat-ning-ita", opd="DISKOMINFO", bridge="bridge-curhat",
                               at=datetime.now(UTC), lag_seconds=1.5)
        await producer.send(Envelope(beat, source="/apps/curhat-ning-ita", subject="curhat-ning-ita"))
        back = await entry_where(catalog, "curhat-ning-ita", lambda b: b["lifecycle"] == "aktif", "the app back")
        assert back["health"]["freshness_lag_seconds"] == 1.5
        refused = await catalog.http.post("/apps/curhat-ning-ita/retire", json={"actor": "kominfo.sari",
                                                                                "reason": "coba"})
        assert (refused.status_code, refused.json()["reason"]) == (409, "app_alive")

        async def types():
            found = [r.envelope.type.split(".")[2] for r in topic_reader.of(CATALOG_APPS) if r.key == "curhat-ning-ita"]
            return found if "app_changed" in found else None
        assert await eventually(types, what="the catalog events") == [
            "app_registered", "app_marked_dormant", "app_changed"]

    # a restart neither re-marks nor forgets: the watch lives in PostgreSQL
    async with serve(quick_dormancy) as catalog:
        again = await entry_where(catalog, "curhat-ning-ita", lambda b: b["lifecycle"] == "dorman", "dormant again")
        history = (await catalog.http.get("/apps/curhat-ning-ita/history")).json()["items"]
        assert [h["action"] for h in history] == ["marked_dormant", "changed", "marked_dormant", "registered"]
        assert again["dormancy"]["evidence"]["last_heartbeat_at"] is not None
