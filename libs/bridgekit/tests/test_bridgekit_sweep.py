"""The digest sweep on real PostgreSQL: rows deleted from the source, or changed without their change time moving,
are found by comparing fingerprints page by page with row_state, handled once, and counted as mismatches."""

from __future__ import annotations

from datetime import datetime, timedelta

from palapa.bridgekit import heartbeat
from palapa.bridgekit.protocol import Translated
from palapa.bridgekit.sqlpoll import TimestampPosition
from palapa.bridgekit.sweep import DELETED, Sweep, range_digest
from palapa.contracts.events import QueueTicketCalled

T0 = datetime(2026, 11, 26, 8, 0)


class Source:
    """A source table in memory: the sweep's pages by id."""

    def __init__(self, rows) -> None:
        self.rows = {r.id: r for r in rows}

    async def sweep_page(self, after, limit):
        ids = sorted(i for i in self.rows if after is None or i > after)[:limit]
        return [self.rows[i] for i in ids]


class DigestingSource(Source):
    """A source whose database digests its rows (as sweepsql does in PostgreSQL): ranges by id, in one answer."""

    def __init__(self, rows) -> None:
        super().__init__(rows)
        self.asked: list[tuple] = []  # the row reads: (after, limit, upto)

    async def sweep_rows(self, after, limit, upto):
        self.asked.append((after, limit, upto))
        ids = sorted(i for i in self.rows if (after is None or i > after) and (upto is None or i <= upto))
        return [(self.rows[i], self.rows[i].digest) for i in ids[:limit]]

    async def sweep_digests(self, uppers):
        ranges: dict[int, list[str]] = {}
        for i in sorted(self.rows):
            ranges.setdefault(sum(1 for u in uppers if i > u), []).append(self.rows[i].digest)
        return {b: (range_digest(d), len(d)) for b, d in ranges.items()}


def withdrawn(fake):
    def meaning(source_id, last):
        event = QueueTicketCalled(ticket=f"PKM-{source_id}", source_app="kit-test", source_ref=source_id,
                                  facility="Puskesmas Gedongan", queue_number="BATAL", called_at=fake.CALLED)
        return Translated([event], "withdrawn")
    return meaning


async def _bridged(kit, fake, rows):
    bridge = kit.bridge()
    await bridge.load_position()
    position = TimestampPosition().advance(r.key for r in rows)
    await bridge.ingest([fake.record(r) for r in rows], position)
    return bridge


async def nothing_unread():
    return None


async def test_a_silent_update_and_a_deleted_row_are_each_handled_once_and_counted(kit, fake):
    rows = [fake.Row(i, T0 + timedelta(seconds=i), status="0", nomor=f"A-{i:03}") for i in range(1, 8)]
    bridge = await _bridged(kit, fake, rows)
    before = len(await kit.outbox())
    source = Source(rows)
    source.rows[2] = fake.Row(2, rows[1].ts, status="1", nomor="A-002")  # called, the change time left as it was
    del source.rows[5]  # deleted from the source
    source.rows[9] = fake.Row(9, T0 + timedelta(hours=1), status="1")  # beyond the position: the poll's, not drift
    sweep = Sweep(bridge, source, fake.record, lambda: bridge.position, withdrawn(fake), page_rows=3)

    found = await sweep.run_once()

    assert (found.rows, found.changed, found.deleted) == (7, 1, 1)
    assert bridge.stats.legacy_mismatches == 2
    staged = (await kit.outbox())[before:]
    assert sorted(e.data.ticket for e in staged) == ["PKM-2", "PKM-5"]
    states = {r["source_id"]: r for r in await kit.rows(kit.tables.row_state)}
    assert states[5]["fingerprint"] == DELETED and states[5]["status"] == "withdrawn"
    assert 9 not in states

    again = await sweep.run_once()
    assert (again.changed, again.deleted, bridge.stats.legacy_mismatches) == (0, 0, 0)
    assert len(await kit.outbox()) == before + 2
    # the heartbeat tells the registry (and so the console) what the last pass found, and when
    beat = await heartbeat.beat_once(bridge, "DINKES", None, nothing_unread)
    assert beat.legacy_mismatches == 0 and beat.last_sweep_at is not None and beat.last_sweep_at <= beat.at


async def test_a_deleted_row_restored_later_is_handled_as_a_change(kit, fake):
    rows = [fake.Row(1, T0, status="1"), fake.Row(2, T0 + timedelta(seconds=1), status="1")]
    bridge = await _bridged(kit, fake, rows)
    source = Source(rows[:1])
    sweep = Sweep(bridge, source, fake.record, lambda: bridge.position)  # no on_deleted: nothing to announce
    before = len(await kit.outbox())
    assert (await sweep.run_once()).deleted == 1
    assert len(await kit.outbox()) == before

    source.rows[2] = rows[1]
    assert (await sweep.run_once()).changed == 1


async def test_text_source_ids_of_shared_tables_are_swept_by_their_number(scoped_kit, fake):
    rows = [fake.Row(i, T0 + timedelta(seconds=i), status="0") for i in (2, 10, 11)]
    bridge = await _bridged(scoped_kit, fake, rows)
    other = scoped_kit.bridge("other-app")  # another app's rows in the same tables are not this sweep's
    await other.load_position()
    await other.ingest([fake.record(fake.Row(3, T0, status="0"))], TimestampPosition(T0, 3))
    source = Source([rows[0], rows[2]])
    found = await Sweep(bridge, source, fake.record, lambda: bridge.position, page_rows=1).run_once()
    assert (found.changed, found.deleted) == (0, 1)
    states = {
        (r["app_id"], r["source_id"]): r["fingerprint"] for r in await scoped_kit.rows(scoped_kit.tables.row_state)
    }
    assert states[("kit-test", "10")] == DELETED and states[("other-app", "3")] != DELETED


async def test_where_the_database_digests_its_rows_only_the_ranges_that_moved_are_read_again(kit, fake):
    rows = [fake.Row(i, T0 + timedelta(seconds=i), status="0") for i in range(1, 10)]
    bridge = await _bridged(kit, fake, rows)
    source = DigestingSource(rows)
    sweep = Sweep(bridge, source, fake.record, lambda: bridge.position, page_rows=3)

    first = await sweep.run_once()  # nothing known yet: every row read, in pages of 3
    assert (first.rows, first.reread, first.mismatches) == (9, 9, 0)
    unchanged = await sweep.run_once()
    assert (unchanged.rows, unchanged.reread, unchanged.mismatches) == (9, 0, 0)

    source.asked.clear()
    source.rows[5] = fake.Row(5, rows[4].ts, status="1")  # changed, its change time left as it was
    del source.rows[8]
    source.rows[10] = fake.Row(10, T0 + timedelta(hours=1), status="1")  # beyond the position: the poll's
    moved = await sweep.run_once()
    assert (moved.changed, moved.deleted) == (1, 1)
    assert source.asked == [(3, None, 6), (6, None, 9), (9, 3, None)]  # the first range was not read again
    assert bridge.stats.sweeps == 3 and bridge.stats.last_sweep == moved

    bridge.position = TimestampPosition().advance(r.key for r in source.rows.values())  # the poll read row 10
    await sweep.run_once()
    quiet = await sweep.run_once()
    assert (quiet.rows, quiet.reread, quiet.mismatches) == (9, 0, 0)
