"""Legacy rows in a real database become CloudEvents on the real broker; bad rows go to quarantine."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from palapa.bridge_curhat import tables
from palapa.contracts.topics import BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, COMPLAINT_INTAKE
from palapa.localstack import free_port
from palapa.testkit import eventually

pytestmark = pytest.mark.integration


def reporter(event):
    """The reporter a bridge event sealed (the settings' development reporter key), opened as complaint-svc does."""
    from palapa.bridge_curhat.settings import BridgeCurhatSettings
    from palapa.contracts.events import ComplaintSubmittedV2
    from palapa.kit.sealed import Sealer, open_identity

    key = BridgeCurhatSettings.model_fields["reporter_key"].default.get_secret_value()
    return open_identity(Sealer(key, ComplaintSubmittedV2.SEAL_PURPOSE), event.ticket, event.reporter_sealed)


async def test_legacy_rows_become_cloudevents_keyed_by_ticket_with_the_poll_trace(legacy, make_bridge, topic_reader):
    first = await legacy.insert(kategori="Jalan Rusak ", status="0")
    second = await legacy.insert(kategori="pju", status="baru", isi_laporan="Lampu PJU mati di Jl. Pahlawan.")
    bridge = await make_bridge(legacy.url)
    await eventually(lambda: len(topic_reader.of(COMPLAINT_INTAKE)) == 2, what="two ComplaintSubmitted")
    await legacy.update(first, status="2")
    await eventually(lambda: len(topic_reader.of(COMPLAINT_INTAKE)) == 3, what="the status change")

    records = topic_reader.of(COMPLAINT_INTAKE)
    assert [r.key for r in records if r.key == f"CURHAT-{first}"] == [f"CURHAT-{first}"] * 2
    submitted = {r.key: r for r in records if r.headers["ce_type"] == "palapa.complaint.submitted.v2"}
    assert set(submitted) == {f"CURHAT-{first}", f"CURHAT-{second}"}
    for r in records:
        assert r.headers["ce_source"] == "/apps/curhat-ning-ita"
        assert r.headers["ce_specversion"] == "1.0" and r.headers["content-type"] == "application/json"
        assert r.headers["ce_subject"] == r.key and r.envelope.subject == r.key
    one = submitted[f"CURHAT-{first}"].envelope.data
    assert (one.status, one.category, reporter(one).nik_masked, one.source_ref) == (
        "received", "Jalan Rusak", "3576********0002", str(first))
    assert submitted[f"CURHAT-{second}"].envelope.data.category == "PJU"
    change = [r for r in records if r.headers["ce_type"] == "palapa.complaint.status_changed.v2"]
    assert [(c.key, c.envelope.data.status, c.envelope.data.legacy_status) for c in change] == [
        (f"CURHAT-{first}", "in_progress", "2")]

    # the trace of the poll that read the change continues through Kafka (traceparent header)
    trace_id = change[0].headers["traceparent"].split("-")[1]

    def poll_span():  # spans are exported in batches: wait for the one of that poll
        spans = bridge.exporter.get_finished_spans()
        return next((s for s in spans if s.name == "curhat poll" and format(s.context.trace_id, "032x") == trace_id),
                    None)

    span = await eventually(poll_span, what="the 'curhat poll' span whose trace the record carries")
    assert span.attributes["curhat.events"] == 1


async def test_a_malformed_row_is_quarantined_later_rows_flow_and_a_fixed_row_is_submitted(legacy, make_bridge,
                                                                                            topic_reader):
    good = await legacy.insert()
    bad = await legacy.insert(status="X")
    blank = await legacy.insert(isi_laporan="  ")
    bridge = await make_bridge(legacy.url)
    after = await legacy.insert(kategori="Sampah")
    await eventually(lambda: len(topic_reader.of(COMPLAINT_INTAKE)) == 2, what="the good rows around the bad ones")
    await eventually(lambda: len(topic_reader.of(BRIDGE_QUARANTINE)) == 2, what="two quarantined rows")
    assert {r.key for r in topic_reader.of(COMPLAINT_INTAKE)} == {f"CURHAT-{good}", f"CURHAT-{after}"}

    q = {r.envelope.data.source_id: r for r in topic_reader.of(BRIDGE_QUARANTINE)}
    assert set(q) == {str(bad), str(blank)}
    assert q[str(bad)].key == f"curhat-ning-ita:{bad}"
    assert q[str(bad)].envelope.data.reason.startswith("unknown_status:")
    assert q[str(bad)].envelope.data.row["status"] == "X"
    assert q[str(bad)].envelope.data.row["tgl_update"]
    assert q[str(blank)].envelope.data.reason.startswith("blank_isi_laporan:")
    async with bridge.runtime.sessions() as s:
        rows = (await s.execute(select(tables.quarantine.c.source_id, tables.quarantine.c.reason))).all()
    assert sorted(r.source_id for r in rows) == sorted([bad, blank])

    # the officer fixes the row in the legacy app: a new tgl_update, read again, translated normally
    await legacy.update(bad, status="1")
    await eventually(lambda: len(topic_reader.of(COMPLAINT_INTAKE)) == 3, what="the fixed row's ComplaintSubmitted")
    fixed = topic_reader.of(COMPLAINT_INTAKE)[-1]
    assert (fixed.key, fixed.envelope.data.status) == (f"CURHAT-{bad}", "verified")
    assert len(topic_reader.of(BRIDGE_QUARANTINE)) == 2
    assert bridge.poller.stats.rows_quarantined == 2


async def test_two_changes_of_one_row_in_the_same_second_are_both_seen(legacy, make_bridge, topic_reader):
    bridge = await make_bridge(legacy.url)
    ticket_id = await legacy.insert(status="0")
    await eventually(lambda: len(topic_reader.of(COMPLAINT_INTAKE)) == 1, what="the submission")
    # same tgl_update as the row already read: a strict position would never see this change
    position_ts = bridge.poller.position.ts
    await legacy.update(ticket_id, status="1", at=position_ts)
    await eventually(lambda: len(topic_reader.of(COMPLAINT_INTAKE)) == 2, what="the same-second change")
    assert topic_reader.of(COMPLAINT_INTAKE)[-1].envelope.data.status == "verified"


async def test_a_late_commit_inside_the_lookback_window_is_still_read(legacy, make_bridge, topic_reader):
    bridge = await make_bridge(legacy.url, lookback_seconds=5)
    await legacy.insert()
    await eventually(lambda: len(topic_reader.of(COMPLAINT_INTAKE)) == 1, what="the first row")
    # a transaction that stamped tgl_update 3 s ago commits only now, behind the position
    late_id = await legacy.insert(tgl_update=bridge.poller.position.ts - timedelta(seconds=3))
    await eventually(lambda: len(topic_reader.of(COMPLAINT_INTAKE)) == 2, what="the late-committed row")
    assert topic_reader.of(COMPLAINT_INTAKE)[-1].key == f"CURHAT-{late_id}"


async def test_heartbeats_report_the_last_change_and_no_lag_when_caught_up(legacy, make_bridge, topic_reader):
    await legacy.insert()
    bridge = await make_bridge(legacy.url, heartbeat_seconds=0.1)
    await eventually(lambda: len(topic_reader.of(COMPLAINT_INTAKE)) == 1, what="the row")

    def caught_up_beat():
        beats = [r.envelope.data for r in topic_reader.of(BRIDGE_HEARTBEATS)]
        return next((b for b in reversed(beats) if b.rows_translated == 1 and b.lag_seconds == 0), None)

    beat = await eventually(caught_up_beat, what="a heartbeat after the row was read")
    assert (beat.app_id, beat.opd, beat.bridge) == ("curhat-ning-ita", "DISKOMINFO", "bridge-curhat")
    assert beat.last_change_seen is not None and beat.last_change_seen.utcoffset() == timedelta(0)
    assert topic_reader.of(BRIDGE_HEARTBEATS)[-1].key == "curhat-ning-ita"
    assert bridge.poller.stats.legacy_reachable


async def test_an_unreachable_legacy_database_is_retried_while_heartbeats_go_on(make_bridge, topic_reader):
    import httpx

    bridge = await make_bridge(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/curhat", heartbeat_seconds=0.1)
    await eventually(lambda: len(topic_reader.of(BRIDGE_HEARTBEATS)) >= 3, what="heartbeats despite the legacy DB away")
    assert not bridge.poller.stats.legacy_reachable
    assert topic_reader.of(BRIDGE_HEARTBEATS)[-1].envelope.data.lag_seconds is None  # nothing ever seen
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=bridge.app), base_url="http://bridge") as http:
        assert (await http.get("/healthz")).json()["service"] == "bridge-curhat"
        assert (await http.get("/readyz")).status_code == 200
