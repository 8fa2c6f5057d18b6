"""The sixth app onboarded by YAML alone: queue calls in the legacy table become QueueTicketCalled on Kafka."""

from datetime import UTC, datetime, timedelta

import pytest

from palapa.contracts.topics import BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, HEALTH_QUEUES
from palapa.testkit import eventually

pytestmark = pytest.mark.integration


async def test_called_queue_numbers_become_queue_ticket_called_and_a_bad_row_is_quarantined(
        queue, bridge_mapped, topic_reader):
    first = await queue.register(no_antrian="A-001")
    second = await queue.register(no_antrian="A-002", kd_poli="GIGI")
    bad = await queue.register(no_antrian="A-003", kd_puskesmas="ZZZ")
    await queue.call(first, loket="1")
    await queue.call(bad)
    await eventually(lambda: len(topic_reader.of(HEALTH_QUEUES)) == 1, what="the first call")
    await queue.call(second, loket="3")
    await eventually(lambda: len(topic_reader.of(HEALTH_QUEUES)) == 2, what="the second call")
    await eventually(lambda: len(topic_reader.of(BRIDGE_QUARANTINE)) == 1, what="the bad row in quarantine")

    calls = topic_reader.of(HEALTH_QUEUES)
    assert [r.key for r in calls] == [f"PKM-{first}", f"PKM-{second}"]
    one = calls[0]
    assert one.headers["ce_type"] == "palapa.health.queue_ticket_called.v1"
    assert one.headers["ce_source"] == "/apps/puskesmas-antrian"
    data = calls[1].envelope.data
    assert (data.facility, data.queue_number, data.clinic, data.counter) == (
        "Puskesmas Gedongan",
        "A-002",
        "Poli Gigi",
        "3",
    )
    assert abs(data.called_at - datetime.now(UTC)) < timedelta(minutes=1)  # WIB read as WIB

    [q] = topic_reader.of(BRIDGE_QUARANTINE)
    assert q.key == f"puskesmas-antrian:{bad}"
    assert q.envelope.data.reason == "unmapped_value: kd_puskesmas='ZZZ'"
    assert q.envelope.data.row["nama_pasien"] == "***" and q.envelope.data.row["nik"] == "***"

    # registered but not called, and a called row edited afterwards: nothing more
    await queue.register(no_antrian="A-004")
    await queue.call(first, loket="1", kd_poli="KIA")

    def counted_beats():  # a heartbeat sent before the bad row was counted says 0: wait for one sent after
        return [r for r in topic_reader.of(BRIDGE_HEARTBEATS)
                if r.envelope.data.app_id == "puskesmas-antrian" and r.envelope.data.rows_quarantined >= 1]

    await eventually(counted_beats, what="a heartbeat of puskesmas-antrian counting the quarantined row")
    beat = counted_beats()[-1]
    assert (beat.key, beat.envelope.data.opd, beat.envelope.data.bridge) == (
        "puskesmas-antrian",
        "DINKES",
        "bridge-mapped",
    )
    assert beat.envelope.data.rows_quarantined >= 1
    assert len(topic_reader.of(HEALTH_QUEUES)) == 2

    metrics = (await bridge_mapped.http.get("/metrics")).text
    assert (
        'palapa_bridge_rows_total{app="puskesmas-antrian",outcome="quarantined",service="bridge-mapped"} 1.0' in metrics
    )
    assert 'palapa_bridge_last_poll_timestamp_seconds{app="puskesmas-antrian"' in metrics


async def test_a_replay_sends_the_calls_since_a_time_again(queue, bridge_mapped, topic_reader, identity_provider):
    early = await queue.register(no_antrian="B-001", tgl_update=datetime(2026, 1, 5, 7, 0))
    await queue.call(early, tgl_update=datetime(2026, 1, 5, 7, 5), jam_panggil="05/01/2026 07:05:00")
    late = await queue.register(no_antrian="B-002")
    await queue.call(late)
    await eventually(lambda: len(topic_reader.of(HEALTH_QUEUES)) == 2, what="both calls")
    answer = await bridge_mapped.http.post(
        "/admin/bridges/puskesmas-antrian/replay", json={"since": (datetime.now(UTC) - timedelta(hours=1)).isoformat()},
        headers={"Authorization": f"Bearer {await identity_provider.token('sre')}"})
    assert answer.status_code == 200 and answer.json()["forgotten_rows"] == 1
    await eventually(lambda: len(topic_reader.of(HEALTH_QUEUES)) == 3, what="the late call again")
    assert topic_reader.of(HEALTH_QUEUES)[-1].key == f"PKM-{late}"
    assert (await bridge_mapped.http.get("/asyncapi.json")).status_code == 200
