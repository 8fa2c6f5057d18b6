"""Portal staff moves written into tb_pengaduan: the row updated with no echo, nothing lost while the legacy database
is away, the legacy app winning a race, and a redelivery changing nothing."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from palapa.bridge_curhat import tables
from palapa.contracts.envelope import Envelope
from palapa.contracts.events import CaseStatus, SetComplaintStatus
from palapa.contracts.topics import COMPLAINT_INTAKE, CURHAT_COMMANDS
from palapa.kit.tables import outbox_table
from palapa.localstack import free_port
from palapa.testkit import BrokerProxy, eventually

pytestmark = pytest.mark.integration

S = CaseStatus


def move(legacy_id: int, status=S.IN_PROGRESS, seen=S.VERIFIED, revision=2) -> Envelope:
    ticket = f"CURHAT-{legacy_id}"
    cmd = SetComplaintStatus(ticket=ticket, legacy_ref=str(legacy_id), status=status, seen_status=seen,
                             seen_legacy_status="1", by="budi.dpupr", revision=revision, moved_at=datetime.now(UTC))
    return Envelope(cmd, source="/palapa/complaint-svc", subject=ticket)


async def row(legacy, legacy_id: int):
    async with legacy.engine.connect() as conn:
        return (await conn.execute(text("SELECT status, tgl_update FROM tb_pengaduan WHERE id_pengaduan = :i"),
                                   {"i": legacy_id})).one()


def of_type(reader, ce_type: str, ticket: str) -> list:
    return [r for r in reader.of(COMPLAINT_INTAKE) if r.headers["ce_type"] == ce_type and r.key == ticket]


async def staged_types(bridge, ticket: str) -> list[str]:
    """Every event the bridge staged for `ticket`, in its outbox (committed with what caused it)."""
    outbox = outbox_table(tables.metadata)
    async with bridge.runtime.sessions() as s:
        rows = await s.execute(select(outbox.c.headers).where(outbox.c.key == ticket.encode()).order_by(outbox.c.id))
    return [h["ce_type"] for (h,) in rows]


async def seen_by_the_bridge(legacy, make_bridge, topic_reader, status: str = "1"):
    """A complaint at `status` in the app, bridged: (bridge, its id, its ticket)."""
    bridge = await make_bridge(legacy.url, poll_interval_seconds=0.1)
    legacy_id = await legacy.insert(status=status)
    ticket = f"CURHAT-{legacy_id}"
    await eventually(lambda: of_type(topic_reader, "palapa.complaint.submitted.v2", ticket), what="the complaint")
    return bridge, legacy_id, ticket


async def polled_past(bridge, legacy, legacy_id: int) -> None:
    """Wait until the poll has read the row as it is now (its ingest committed)."""
    status, at = await row(legacy, legacy_id)
    await eventually(lambda: not bridge.poller.position.is_before((at, legacy_id)), what="the poll past the row")


async def test_a_staff_move_is_written_into_the_row_and_its_poll_emits_nothing(legacy, make_bridge, producer,
                                                                               topic_reader):
    bridge, legacy_id, ticket = await seen_by_the_bridge(legacy, make_bridge, topic_reader)
    before = (await row(legacy, legacy_id)).tgl_update
    await producer.send(move(legacy_id))

    async def written():
        return (await row(legacy, legacy_id)).status == "2"

    await eventually(written, what="the staff move written into tb_pengaduan")
    assert (await row(legacy, legacy_id)).tgl_update >= before  # stamped as the app's status screen does
    await polled_past(bridge, legacy, legacy_id)
    assert await staged_types(bridge, ticket) == ["palapa.complaint.submitted.v2"]  # no echo, no superseded


async def test_a_move_made_while_the_legacy_database_is_down_is_written_once_it_is_back(
    legacy, make_bridge, producer, topic_reader
):
    legacy_id = await legacy.insert(status="1")
    url = make_url(legacy.url)
    proxy = BrokerProxy(url.port, free_port())  # any TCP service: here the legacy PostgreSQL
    await proxy.start()
    bridge = await make_bridge(url.set(port=proxy.port).render_as_string(hide_password=False),
                               poll_interval_seconds=0.1)
    ticket = f"CURHAT-{legacy_id}"
    await eventually(lambda: of_type(topic_reader, "palapa.complaint.submitted.v2", ticket), what="the complaint")
    failures = bridge.runtime.metrics.consumer_errors.labels(topic=CURHAT_COMMANDS.name)
    await proxy.cut()  # the legacy database is away
    await producer.send(move(legacy_id))
    await eventually(lambda: failures._value.get() >= 2, what="the write to fail and be retried")
    assert (await row(legacy, legacy_id)).status == "1"
    await proxy.start()
    try:
        async def written():
            return (await row(legacy, legacy_id)).status == "2"

        await eventually(written, timeout=40, what="the move written after the outage")
        await polled_past(bridge, legacy, legacy_id)
        assert await staged_types(bridge, ticket) == ["palapa.complaint.submitted.v2"]
    finally:
        await proxy.cut()


async def test_when_the_app_moved_the_case_first_the_app_wins_and_the_move_is_superseded(
    legacy, make_bridge, producer, topic_reader
):
    bridge, legacy_id, ticket = await seen_by_the_bridge(legacy, make_bridge, topic_reader)
    await legacy.update(legacy_id, status="9")  # rejected in the app while staff moved it on in the portal
    await producer.send(move(legacy_id))
    [answer] = await eventually(lambda: of_type(topic_reader, "palapa.complaint.move_superseded.v1", ticket),
                                what="ComplaintMoveSuperseded")
    done = answer.envelope.data
    assert (done.status, done.by, done.revision) == (S.IN_PROGRESS, "budi.dpupr", 2)
    assert (done.legacy_status, done.legacy_case_status, done.source_ref) == ("9", S.REJECTED, str(legacy_id))
    assert (await row(legacy, legacy_id)).status == "9"  # nothing written
    [legacy_move] = await eventually(lambda: of_type(topic_reader, "palapa.complaint.status_changed.v2", ticket),
                                     what="the app's own move, as usual")
    assert legacy_move.envelope.data.status == S.REJECTED


async def test_a_redelivered_move_changes_nothing(legacy, make_bridge, producer, topic_reader):
    bridge, legacy_id, ticket = await seen_by_the_bridge(legacy, make_bridge, topic_reader)
    first = move(legacy_id)
    await producer.send(first)

    async def handled():
        async with bridge.runtime.sessions() as s:
            return await s.scalar(select(tables.status_moves.c.outcome).where(tables.status_moves.c.ticket == ticket))

    assert await eventually(handled, what="the move written") == "written"
    await legacy.update(legacy_id, status="3")  # the app moves on
    await polled_past(bridge, legacy, legacy_id)
    await producer.send(first)  # the same command again (its event id)
    await producer.send(move(legacy_id))  # and the same move under a new id (its case revision)
    await producer.send(move(legacy_id, status=S.RESOLVED, seen=S.RESOLVED, revision=4))  # a later one, a marker

    async def marker_handled():
        async with bridge.runtime.sessions() as s:
            found = await s.scalar(select(tables.status_moves.c.revision).where(tables.status_moves.c.ticket == ticket))
        return found == 4

    await eventually(marker_handled, what="the later command handled (the two before it were, in order)")
    assert (await row(legacy, legacy_id)).status == "3"
    assert "palapa.complaint.move_superseded.v1" not in await staged_types(bridge, ticket)


async def test_on_the_app_s_own_mariadb_a_staff_move_is_written_with_no_echo(legacy_mariadb, make_bridge, producer,
                                                                             topic_reader):
    bridge, legacy_id, ticket = await seen_by_the_bridge(legacy_mariadb, make_bridge, topic_reader)
    await producer.send(move(legacy_id))

    async def written():
        return (await row(legacy_mariadb, legacy_id)).status == "2"

    await eventually(written, what="the staff move written into tb_pengaduan on MariaDB")
    await polled_past(bridge, legacy_mariadb, legacy_id)
    assert await staged_types(bridge, ticket) == ["palapa.complaint.submitted.v2"]
