"""The kit's seam on real PostgreSQL: checkpoint compare-and-set, row states and fingerprints, quarantine."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from palapa.bridgekit.ingest import CheckpointMovedError
from palapa.bridgekit.protocol import Deferred
from palapa.bridgekit.sqlpoll import TimestampPosition

pytestmark = pytest.mark.integration
T = datetime(2026, 11, 26, 8, 15)


async def test_the_checkpoint_starts_at_the_start_and_keeps_what_ingest_saved(kit, fake):
    Row, record = fake.Row, fake.record
    bridge = kit.bridge()
    assert await bridge.load_position() == TimestampPosition()
    await bridge.ingest([record(Row(1, T))], TimestampPosition(T, 1))
    again = kit.bridge()
    assert await again.load_position() == TimestampPosition(T, 1)
    [cp] = await kit.rows(kit.tables.checkpoint)
    assert (cp["app_id"], cp["position_ts"], cp["position_id"]) == ("kit-test", T, 1)


async def test_an_instance_whose_checkpoint_moved_stages_nothing_and_takes_the_new_position(kit, fake):
    Row, record = fake.Row, fake.record
    one, two = kit.bridge(), kit.bridge()
    await one.load_position()
    await two.load_position()
    await one.ingest([record(Row(1, T))], TimestampPosition(T, 1))
    with pytest.raises(CheckpointMovedError):
        await two.ingest([record(Row(1, T)), record(Row(2, T))], TimestampPosition(T, 2))
    assert two.position == TimestampPosition(T, 1)  # the next poll reads from where the other one left off
    assert [e.data.ticket for e in await kit.outbox()] == ["PKM-1"]
    done = await two.ingest([record(Row(1, T)), record(Row(2, T))], TimestampPosition(T, 2))
    assert (done.emitted, done.handled) == (1, 1)  # row 1 unchanged: skipped by its fingerprint


async def test_a_batch_read_from_an_older_position_is_refused(kit, fake):
    Row, record = fake.Row, fake.record
    bridge = kit.bridge()
    await bridge.ingest([record(Row(1, T))], TimestampPosition(T, 1))
    with pytest.raises(CheckpointMovedError):
        await bridge.ingest([record(Row(2, T))], TimestampPosition(T, 2), read_from=TimestampPosition())


async def test_an_unchanged_row_is_skipped_and_a_changed_one_is_translated_with_its_last_state(kit, fake):
    Row, record = fake.Row, fake.record
    seen = []

    def spy(rec, last):
        seen.append((rec.source_id, last))
        return fake.translate(rec, last)

    bridge = kit.bridge(translation=spy)
    await bridge.ingest([record(Row(1, T, status="0"))], TimestampPosition(T, 1))
    assert (await bridge.ingest([record(Row(1, T, status="0"))], TimestampPosition(T, 1))).handled == 0
    later = T + timedelta(seconds=5)
    done = await bridge.ingest([record(Row(1, later, status="1"))], TimestampPosition(later, 1))
    assert done.emitted == 1
    assert [(i, last.status if last else None) for i, last in seen] == [("1", None), ("1", "0")]
    # the same row changed again while still called: a new fingerprint, but no second call
    done = await bridge.ingest([record(Row(1, later + timedelta(seconds=1), nomor="A-002"))],
                               TimestampPosition(later, 1))
    assert (done.handled, done.emitted) == (1, 0)
    [state] = await kit.rows(kit.tables.row_state)
    assert (state["status"], state["legacy_status"], state["quarantine_reason"]) == ("1", "1", None)
    assert state["fingerprint"] == Row(1, later + timedelta(seconds=1), nomor="A-002").digest


async def test_a_row_that_cannot_be_translated_is_quarantined_masked_and_the_batch_goes_on(kit, fake):
    Row, record = fake.Row, fake.record
    bridge = kit.bridge()
    rows = [Row(1, T), Row(2, T, status="X"), Row(3, T, status="boom"), Row(4, T)]
    done = await bridge.ingest([record(r) for r in rows], TimestampPosition(T, 4))
    assert (done.emitted, done.quarantined, done.handled) == (2, 2, 4)
    events = await kit.outbox()
    assert [e.data.ticket for e in events if e.type == "palapa.health.queue_ticket_called.v1"] == ["PKM-1", "PKM-4"]
    quarantined = {e.data.source_id: e for e in events if e.type == "palapa.bridge.row_quarantined.v1"}
    assert quarantined["2"].data.reason == "unknown_status: 'X'"
    assert quarantined["2"].subject == "kit-test:2"
    assert quarantined["3"].data.reason.startswith("translate_error: RuntimeError")
    assert "3576012345670002" not in quarantined["3"].data.reason  # the exception quoted a NIK: masked
    assert "3576012345670002" not in str(quarantined["2"].data.row)
    table = {r["source_id"]: r for r in await kit.rows(kit.tables.quarantine)}
    assert table[2]["row"]["nik"] == "3576********0002"  # the bridge's own table keeps no identity in clear
    assert table[2]["source_key"] == bridge.source_key("2") and len(table[2]["source_key"]) == 64
    states = {r["source_id"]: r for r in await kit.rows(kit.tables.row_state)}
    assert states[2]["quarantine_reason"] == "unknown_status: 'X'" and states[2]["status"] is None
    assert (bridge.stats.rows_translated, bridge.stats.rows_quarantined, bridge.stats.events_emitted) == (2, 2, 2)
    # the same bad row read again is not quarantined twice; fixed, it is translated
    assert (await bridge.ingest([record(rows[1])], TimestampPosition(T, 4))).handled == 0
    done = await bridge.ingest([record(Row(2, T + timedelta(seconds=1)))],
                               TimestampPosition(T + timedelta(seconds=1), 2))
    assert done.emitted == 1


async def test_apps_sharing_scoped_tables_keep_their_own_row_states_and_checkpoints(scoped_kit, fake):
    Row, record = fake.Row, fake.record
    a, b = scoped_kit.bridge("app-a"), scoped_kit.bridge("app-b")
    await a.ingest([record(Row(1, T))], TimestampPosition(T, 1))
    done = await b.ingest([record(Row(1, T))], TimestampPosition(T, 1))  # same source id, another app
    assert done.emitted == 1
    await b.ingest([record(Row(9, T, status="X"))], TimestampPosition(T, 9))
    states = await scoped_kit.rows(scoped_kit.tables.row_state)
    assert sorted((r["app_id"], r["source_id"]) for r in states) == [("app-a", "1"), ("app-b", "1"), ("app-b", "9")]
    [q] = await scoped_kit.rows(scoped_kit.tables.quarantine)
    assert (q["app_id"], q["source_id"]) == ("app-b", "9")
    async with scoped_kit.runtime.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(scoped_kit.tables.checkpoint)) == 2


async def test_a_deferred_record_emits_and_stores_nothing_so_the_same_version_read_later_is_handled(kit, fake):
    Row, record = fake.Row, fake.record
    defer = [True]

    def maybe(rec, last):
        return Deferred("same_second: left to the source's order") if defer[0] else fake.translate(rec, last)

    bridge = kit.bridge(translation=maybe)
    done = await bridge.ingest([record(Row(1, T))], TimestampPosition(T, 1))
    assert (done.emitted, done.handled, done.unchanged) == (0, 0, 1)  # counted, as every row read is
    assert await kit.rows(kit.tables.row_state) == [] and await kit.outbox() == []
    defer[0] = False
    assert (await bridge.ingest([record(Row(1, T))], TimestampPosition(T, 1))).emitted == 1
