"""Portal complaints written back into Curhat Ning Ita: one legacy row per ticket, linked, and its changes flow."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from palapa.bridge_curhat.settings import BridgeCurhatSettings
from palapa.contracts.envelope import Envelope
from palapa.contracts.events import RecordComplaint, RecordComplaintV2
from palapa.contracts.identity import Identity
from palapa.contracts.topics import COMPLAINT_INTAKE, CURHAT_COMMANDS, DEAD_LETTERS
from palapa.kit.sealed import Sealer, seal_identity
from palapa.localstack import free_port
from palapa.testkit import BrokerProxy, eventually

pytestmark = pytest.mark.integration

TICKET = "LAPOR-7K3M9QX2PA"


#: what complaint-svc seals the reporter with for the bridge (the settings' development reporter key)
SEALER = Sealer(BridgeCurhatSettings.model_fields["reporter_key"].default.get_secret_value(),
                RecordComplaintV2.SEAL_PURPOSE)


def command(ticket: str = TICKET, *, v1: bool = False, sealer: Sealer = SEALER) -> Envelope:
    fields = dict(ticket=ticket, category="jalan rusak", description="Lubang besar di depan SDN Kranggan 2",
                  kelurahan="Kranggan", kecamatan="Kranggan", submitted_at=datetime.now(UTC))
    if v1:  # a command complaint-svc sent before v2, still on the topic
        cmd = RecordComplaint(**fields, reporter_name="Siti Aminah", reporter_phone="081234567890")
    else:
        cmd = RecordComplaintV2(**fields, reporter_sealed=seal_identity(
            sealer, ticket, Identity(name="Siti Aminah", phone="081234567890")))
    return Envelope(cmd, source="/palapa/complaint-svc", subject=ticket)


async def rows(legacy) -> list:
    async with legacy.engine.connect() as conn:
        return (await conn.execute(text("SELECT id_pengaduan, isi_laporan, lokasi, status, nama_pelapor "
                                        "FROM tb_pengaduan ORDER BY id_pengaduan"))).all()


def of_type(reader, ce_type: str) -> list:
    return [r for r in reader.of(COMPLAINT_INTAKE) if r.headers["ce_type"] == ce_type]


async def test_a_command_writes_one_legacy_row_links_it_and_its_status_changes_reach_the_ticket(
    legacy, make_bridge, producer, topic_reader
):
    await make_bridge(legacy.url, poll_interval_seconds=0.1)
    await producer.send(command())
    await eventually(lambda: of_type(topic_reader, "palapa.complaint.linked.v1"), what="ComplaintLinked")
    [(legacy_id, body, place, status, name)] = await rows(legacy)
    assert body.endswith(f"[Tiket Palapa: {TICKET}]") and place == "Kel. Kranggan, Kec. Kranggan"
    assert (status, name) == ("0", "Siti Aminah")
    [linked] = of_type(topic_reader, "palapa.complaint.linked.v1")
    assert (linked.key, linked.envelope.data.legacy_ticket) == (TICKET, f"CURHAT-{legacy_id}")

    await producer.send(command())  # redelivered: the same row answers again
    await eventually(lambda: len(of_type(topic_reader, "palapa.complaint.linked.v1")) == 2, what="a second link")
    assert len(await rows(legacy)) == 1

    await legacy.update(legacy_id, status="2")
    await eventually(lambda: of_type(topic_reader, "palapa.complaint.status_changed.v2"), what="the status change")
    [change] = of_type(topic_reader, "palapa.complaint.status_changed.v2")
    assert (change.key, change.envelope.data.status, change.envelope.data.source_ref) == (
        TICKET, "in_progress", str(legacy_id))
    assert of_type(topic_reader, "palapa.complaint.submitted.v2") == []  # no second case for the written row


async def test_a_v1_command_still_on_the_topic_is_written_and_one_sealed_under_another_key_is_dead_lettered(
    legacy, make_bridge, producer, topic_reader
):
    await make_bridge(legacy.url, poll_interval_seconds=0.1)
    await producer.send(command("LAPOR-WRONGKEY23", sealer=Sealer("another-key-entirely", "curhat.record_complaint")))
    await producer.send(command("LAPOR-OLDV1CMD23", v1=True))
    await eventually(lambda: of_type(topic_reader, "palapa.complaint.linked.v1"), what="the v1 command linked")
    [(_, body, _, _, name)] = await rows(legacy)
    assert body.endswith("[Tiket Palapa: LAPOR-OLDV1CMD23]") and name == "Siti Aminah"
    letters = await eventually(lambda: topic_reader.of(DEAD_LETTERS), what="the wrongly sealed command dead-lettered")
    assert "reporter_sealed sealed value does not open" in letters[0].envelope.data.reason
    assert b"0812" not in letters[0].value and b"Siti" not in letters[0].value


async def test_a_command_arriving_while_the_legacy_database_is_down_is_written_once_it_is_back(
    legacy, make_bridge, producer, topic_reader
):
    url = make_url(legacy.url)
    proxy = BrokerProxy(url.port, free_port())  # any TCP service: here the legacy PostgreSQL
    await proxy.start()
    bridge = await make_bridge(url.set(port=proxy.port).render_as_string(hide_password=False))
    failures = bridge.runtime.metrics.consumer_errors.labels(topic=CURHAT_COMMANDS.name)
    await proxy.cut()  # the legacy database is away
    await producer.send(command("LAPOR-DOWN2345AB"))
    await producer.send(command("LAPOR-DOWN2345CD"))
    await eventually(lambda: failures._value.get() >= 2, what="the write to fail and be retried")
    assert of_type(topic_reader, "palapa.complaint.linked.v1") == []
    await proxy.start()
    try:
        await eventually(lambda: len(of_type(topic_reader, "palapa.complaint.linked.v1")) == 2, timeout=40,
                         what="both commands written after the outage")
        assert len(await rows(legacy)) == 2
    finally:
        await proxy.cut()


async def test_a_written_back_row_deleted_from_curhat_closes_the_portal_ticket_it_spoke_for(
    legacy, make_bridge, producer, topic_reader
):
    bridge = await make_bridge(legacy.url, poll_interval_seconds=0.1, sweep_seconds=0)
    await producer.send(command())
    await eventually(lambda: of_type(topic_reader, "palapa.complaint.linked.v1"), what="ComplaintLinked")
    [(legacy_id, *_)] = await rows(legacy)
    await legacy.update(legacy_id, status="2")
    await eventually(lambda: of_type(topic_reader, "palapa.complaint.status_changed.v2"), what="the status change")
    async with legacy.engine.begin() as conn:
        await conn.execute(text("DELETE FROM tb_pengaduan WHERE id_pengaduan = :id"), {"id": legacy_id})
    found = await bridge.svc.app.state.feeds["curhat-ning-ita"].sweep.run_once()
    assert found.deleted == 1
    await eventually(lambda: len(of_type(topic_reader, "palapa.complaint.status_changed.v2")) == 2, what="the close")
    closed = of_type(topic_reader, "palapa.complaint.status_changed.v2")[-1]
    assert (closed.key, closed.envelope.data.status, closed.envelope.data.source_ref) == (
        TICKET, "closed", str(legacy_id))
