"""PSC 119 incidents reach the emergency topic by webhook, by polling when webhooks are lost or off, once each."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from palapa.bridge_psc119.main import WEBHOOK_PATH
from palapa.bridgekit.webhook import sign
from palapa.contracts.topics import BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, EMERGENCY_INCIDENTS
from palapa.kit.clock import zone
from palapa.testkit import eventually

from .conftest import SECRET

pytestmark = pytest.mark.integration
REPORTED, DISPATCHED = "palapa.emergency.incident_reported.v1", "palapa.emergency.ambulance_dispatched.v1"
HANDED, CLOSED = "palapa.emergency.patient_handed_over.v1", "palapa.emergency.incident_closed.v1"


async def signed_webhook(bridge, sim, item) -> dict:
    """Send one incident version as the app's webhook, signed with the shared secret; its accepted answer."""
    body = json.dumps({"jenis": "insiden.berubah", "data": item}).encode()
    ts = str(int(sim.legacy.unix_now()))
    answer = await bridge.http.post(WEBHOOK_PATH, content=body, headers={
        "X-PSC119-Timestamp": ts, "X-PSC119-Signature": sign(SECRET.encode(), ts, body)})
    assert answer.status_code == 200, answer.text
    return answer.json()


def types_of(reader, ticket: str) -> list[str]:
    return [r.headers["ce_type"] for r in reader.of(EMERGENCY_INCIDENTS) if r.key == ticket]


async def test_webhooks_carry_each_change_to_the_emergency_topic(make_sim, make_bridge, topic_reader):
    sim = await make_sim()
    # polling every minute: what arrives within the test came by webhook
    async with make_bridge(fallback_poll_interval_seconds=60) as bridge:
        key = await sim.report()
        ticket = f"PSC119-{key}"
        await eventually(lambda: types_of(topic_reader, ticket) == [REPORTED], what="IncidentReported by webhook")
        for code in ("2", "3", "4", "S"):
            await sim.move(key, code)
        await eventually(lambda: types_of(topic_reader, ticket) == [REPORTED, DISPATCHED, HANDED, CLOSED],
                         what="the incident's four events in order")
        records = [r for r in topic_reader.of(EMERGENCY_INCIDENTS) if r.key == ticket]
        caller = sim.legacy.store.items[key][1]
        for r in records:
            assert r.headers["ce_source"] == "/apps/psc-119" and r.envelope.data.priority == "critical"
            data = json.dumps(r.envelope.data.model_dump(mode="json"))
            assert caller["nama_penelepon"] not in data and caller["telp_penelepon"] not in data
        assert records[1].envelope.data.ambulance and records[2].envelope.data.facility
        assert sim.legacy.pusher.sent == 5 and bridge.app.state.bridge.stats.polls == 1
        await eventually(lambda: any(r.envelope.data.app_id == "psc-119" for r in topic_reader.of(BRIDGE_HEARTBEATS)),
                         what="a heartbeat for the catalog")


async def test_polling_catches_what_lost_webhooks_missed_and_runs_alone_without_a_secret(
    make_sim, make_bridge, topic_reader
):
    sim = await make_sim(lost_ratio=1.0)  # the legacy app's queue drops every webhook
    async with make_bridge():
        first = await sim.report()
        await sim.move(first, "2")
        await eventually(lambda: types_of(topic_reader, f"PSC119-{first}") == [REPORTED, DISPATCHED],
                         what="both steps found by polling")
    async with make_bridge(webhook_secret=None) as bridge:
        second = await sim.report()
        await eventually(lambda: types_of(topic_reader, f"PSC119-{second}") == [REPORTED], what="polling alone")
        answer = await bridge.http.post(WEBHOOK_PATH, content=b"{}")
        assert answer.status_code == 404  # webhooks not configured: no route
    assert types_of(topic_reader, f"PSC119-{first}") == [REPORTED, DISPATCHED]


async def test_a_webhook_twice_or_out_of_order_changes_nothing(make_sim, make_bridge, topic_reader):
    sim = await make_sim(webhook_url=None)  # the test sends the webhooks itself
    async with make_bridge(fallback_poll_interval_seconds=60) as bridge:
        key = await sim.report()
        reported = dict(sim.legacy.store.items[key][1])
        await sim.move(key, "2")
        dispatched = dict(sim.legacy.store.items[key][1])

        async def push(item) -> dict:
            return await signed_webhook(bridge, sim, item)

        assert (await push(dispatched))["events"] == 2  # first seen dispatched: reported + dispatched
        assert (await push(dispatched))["handled"] == 0  # twice
        # out of order: an older version (the legacy clock says so) is skipped before translation; one of the
        # same second (whole-second clock) at an earlier stage is deferred to the log, whose newest version is
        # the one handled: no event either way
        earlier = reported | {"diperbarui": "2020-01-01 00:00:00"}
        assert (await push(earlier))["handled"] == 0
        assert (await push(reported))["events"] == 0
        await sim.move(key, "4")
        assert (await push(sim.legacy.store.items[key][1]))["events"] == 1
        await eventually(lambda: len(types_of(topic_reader, f"PSC119-{key}")) == 3, what="three events")
        canary = await sim.report()
        await push(sim.legacy.store.items[canary][1])
        await eventually(lambda: types_of(topic_reader, f"PSC119-{canary}") == [REPORTED], what="the canary after them")
    assert types_of(topic_reader, f"PSC119-{key}") == [REPORTED, DISPATCHED, HANDED]


async def test_bad_signatures_are_401_unreadable_bodies_400_and_bad_incidents_quarantined_masked(
        make_sim, make_bridge, topic_reader):
    sim = await make_sim(webhook_url=None)
    async with make_bridge(fallback_poll_interval_seconds=60) as bridge:
        ts = str(int(sim.legacy.unix_now()))
        body = json.dumps({"jenis": "insiden.berubah", "data": {
            "id_insiden": 990001, "kode_status": "X", "nama_penelepon": "Agus Salim", "telp_penelepon": "081299998888",
            "waktu_lapor": "2026-11-22 10:00:00", "diperbarui": "2026-11-22 10:00:00"}}).encode()
        forged = await bridge.http.post(WEBHOOK_PATH, content=body, headers={
            "X-PSC119-Timestamp": ts, "X-PSC119-Signature": sign(b"not-the-shared-secret", ts, body)})
        assert (forged.status_code, forged.json()["reason"]) == (401, "bad_signature")
        junk = b"<html>502 Bad Gateway</html>"
        unreadable = await bridge.http.post(WEBHOOK_PATH, content=junk, headers={
            "X-PSC119-Timestamp": ts, "X-PSC119-Signature": sign(SECRET.encode(), ts, junk)})
        assert (unreadable.status_code, unreadable.json()["reason"]) == (400, "unreadable_body")
        good = await bridge.http.post(WEBHOOK_PATH, content=body, headers={
            "X-PSC119-Timestamp": ts, "X-PSC119-Signature": sign(SECRET.encode(), ts, body)})
        assert good.json()["quarantined"] == 1
        [q] = await eventually(lambda: topic_reader.of(BRIDGE_QUARANTINE), what="the quarantined incident")
        assert q.key == "psc-119:990001" and q.envelope.data.reason.startswith("unknown_kode_status:")
        assert q.envelope.data.row["nama_penelepon"] == "***" and q.envelope.data.row["telp_penelepon"] == "***"
        data = json.dumps(q.envelope.data.model_dump(mode="json"))
        assert "Agus" not in data and "081299998888" not in data
        assert topic_reader.of(EMERGENCY_INCIDENTS) == []


async def test_staff_moving_a_closed_incident_back_reach_the_topic_once_despite_repeats_and_stale_webhooks(
        make_sim, make_bridge, topic_reader):
    sim = await make_sim(webhook_url=None)  # the test sends the webhooks itself, with the versions' times it sets
    async with make_bridge(fallback_poll_interval_seconds=60) as bridge:
        key = await sim.report()
        await sim.move(key, "S")
        now = sim.legacy.now()  # the legacy clock (local time): the versions' times are set from it

        def at(minutes_ago: int) -> str:
            return (now - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%d %H:%M:%S")

        closed = dict(sim.legacy.store.items[key][1]) | {"diperbarui": at(20)}

        async def push(item) -> dict:
            return await signed_webhook(bridge, sim, item)

        assert (await push(closed))["events"] == 2  # first seen closed: reported + closed
        back = closed | {"kode_status": "2", "unit_ambulans": "AMB-07", "diperbarui": at(10)}
        assert (await push(back))["events"] == 1
        assert (await push(back))["handled"] == 0  # the same webhook twice
        assert (await push(closed | {"kode_status": "2", "diperbarui": at(15)}))["handled"] == 0
        canary = await sim.report()
        await push(sim.legacy.store.items[canary][1])
        await eventually(lambda: types_of(topic_reader, f"PSC119-{canary}") == [REPORTED], what="the canary after them")
    assert types_of(topic_reader, f"PSC119-{key}") == [REPORTED, CLOSED, DISPATCHED]
    dispatched = [r for r in topic_reader.of(EMERGENCY_INCIDENTS) if r.key == f"PSC119-{key}"][-1].envelope.data
    moved_back = (now - timedelta(minutes=10)).replace(microsecond=0, tzinfo=zone("Asia/Jakarta"))
    assert (dispatched.ambulance, dispatched.dispatched_at) == ("AMB-07", moved_back)


async def test_a_version_stamped_far_in_the_future_is_quarantined_without_hiding_the_versions_after_it(
        make_sim, make_bridge, topic_reader):
    sim = await make_sim(webhook_url=None)
    async with make_bridge(fallback_poll_interval_seconds=60) as bridge:
        key = await sim.report()
        now = sim.legacy.now()
        item = dict(sim.legacy.store.items[key][1])

        async def push(item) -> dict:
            return await signed_webhook(bridge, sim, item)

        assert (await push(item))["events"] == 1
        typo = item | {"kode_status": "2", "diperbarui": (now + timedelta(days=3650)).strftime("%Y-%m-%d %H:%M:%S")}
        assert (await push(typo))["quarantined"] == 1
        real = item | {"kode_status": "2", "unit_ambulans": "AMB-03",
                       "diperbarui": (now + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S")}
        assert (await push(real))["events"] == 1  # the typo's time did not make the real move look older
        await eventually(lambda: types_of(topic_reader, f"PSC119-{key}") == [REPORTED, DISPATCHED],
                         what="the real move")


async def test_a_move_back_within_the_same_second_is_followed_in_the_order_of_the_app_s_log(make_sim, make_bridge,
                                                                                            topic_reader):
    sim = await make_sim(webhook_url=None)  # the test saves each version in the app and sends its webhook
    async with make_bridge(fallback_poll_interval_seconds=0.5) as bridge:
        key = await sim.report()
        second = sim.legacy.now().strftime("%Y-%m-%d %H:%M:%S")  # the app stamps whole seconds
        dispatched = sim.legacy.store.items[key][1] | {"kode_status": "2", "unit_ambulans": "AMB-03",
                                                       "diperbarui": second}
        sim.legacy.store.save(key, dispatched)
        await signed_webhook(bridge, sim, dispatched)
        await eventually(lambda: types_of(topic_reader, f"PSC119-{key}") == [REPORTED, DISPATCHED], what="dispatched")
        # the dispatcher set it back within that second: the webhook alone cannot tell it from a held-back older
        # version, so it is deferred; the log lists it after the dispatch, and the poll follows it
        back = dispatched | {"kode_status": "1"}
        sim.legacy.store.save(key, back)
        assert (await signed_webhook(bridge, sim, back))["events"] == 0
        await eventually(lambda: types_of(topic_reader, f"PSC119-{key}") == [REPORTED, DISPATCHED, REPORTED],
                         what="the move back, from the log")
