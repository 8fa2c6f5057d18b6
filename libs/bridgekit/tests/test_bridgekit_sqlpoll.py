"""SqlPoller over an in-memory table: the lookback window re-reads by digest, late commits are caught,
implausible times do not move the position; replay re-emits; per-bridge metrics."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from palapa.bridgekit import heartbeat, sqlpoll
from palapa.bridgekit.ingest import CheckpointMovedError
from palapa.bridgekit.replay import rewind
from palapa.bridgekit.sqlpoll import SqlPoller, TimestampPosition

pytestmark = pytest.mark.integration
T = datetime(2026, 11, 26, 8, 15)


class Table:
    """A legacy table in memory, read the way the SQL readers read theirs; counts the rows it hands out."""

    def __init__(self) -> None:
        self.rows: dict[int, object] = {}
        self.handed: list[int] = []

    def put(self, row) -> None:
        self.rows[row.id] = row

    def _sorted(self):
        return sorted(self.rows.values(), key=lambda r: r.key)

    async def scan(self, last, window, batch_size, *, handled=None):
        out = []
        if window is not None and last.ts is not None:
            handled = handled or {}
            strays = window.strays_before
            out += [r for r in self._sorted() if (window.since <= r.ts or (strays and r.ts < strays))
                    and r.key <= last.key and handled.get(r.id, (None, None))[1] != r.digest]
        out += [r for r in self._sorted() if last.is_before(r.key)][:batch_size]
        self.handed += [r.id for r in out]
        return out

    async def oldest_unread(self, last):
        beyond = [r for r in self._sorted() if last.is_before(r.key)]
        return beyond[0].ts if beyond else None


class Clock:
    """The source's clock, as the poller asks for it: set by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    async def __call__(self) -> datetime:
        return self.now


def poller(bridge, table, record, batch_size=100, lookback=2, clock=None):
    return SqlPoller(bridge, table, lookback_seconds=lookback, batch_size=batch_size,
                     plausible=lambda r, now: datetime(2000, 1, 1) <= r.ts < datetime(2100, 1, 1), record=record,
                     name="kit", clock=clock or Clock(T + timedelta(hours=1)), earliest=datetime(2000, 1, 1))


async def test_the_window_re_reads_only_rows_whose_digest_changed_and_catches_a_late_commit(kit, fake):
    Row, table = fake.Row, Table()
    bridge = kit.bridge()
    p = poller(bridge, table, fake.record)
    table.put(Row(1, T))
    table.put(Row(3, T + timedelta(seconds=1)))
    await p.poll_once()
    assert bridge.position == TimestampPosition(T + timedelta(seconds=1), 3)
    table.handed.clear()
    await p.poll_once()
    assert table.handed == []  # nothing new, nothing changed in the window: no row read at all
    table.put(Row(2, T))  # committed late, stamped behind the position
    await p.poll_once()
    assert table.handed == [2]
    assert sorted(e.data.ticket for e in await kit.outbox()) == ["PKM-1", "PKM-2", "PKM-3"]
    assert bridge.position == TimestampPosition(T + timedelta(seconds=1), 3)  # never backwards


async def test_a_row_stamped_in_the_far_future_is_read_but_does_not_carry_the_position(kit, fake):
    Row, table = fake.Row, Table()
    bridge = kit.bridge()
    p = poller(bridge, table, fake.record)
    table.put(Row(1, T))
    table.put(Row(2, datetime(9999, 12, 31)))
    await p.poll_once()
    assert bridge.position == TimestampPosition(T, 1)
    assert len(await kit.outbox()) == 2
    table.put(Row(3, T + timedelta(seconds=3)))
    await p.poll_once()
    assert [e.data.ticket for e in await kit.outbox()][-1] == "PKM-3"


async def test_a_full_batch_says_read_on_and_the_next_poll_continues(kit, fake):
    Row, table = fake.Row, Table()
    bridge = kit.bridge()
    p = poller(bridge, table, fake.record, batch_size=2)
    for i in range(1, 6):
        table.put(Row(i, T + timedelta(seconds=i)))
    assert await p.poll_once() == 2
    assert await p.poll_once() == 2
    assert await p.poll_once() == 1
    assert len(await kit.outbox()) == 5


async def test_a_rewind_re_emits_the_rows_since_the_time_with_new_event_ids(kit, fake):
    Row, table = fake.Row, Table()
    bridge = kit.bridge()
    p = poller(bridge, table, fake.record)
    for i in range(1, 5):
        table.put(Row(i, T + timedelta(minutes=i)))
    await p.poll_once()
    first = await kit.outbox()
    assert len(first) == 4 and (await p.poll_once(), len(await kit.outbox())) == (0, 4)

    since = T + timedelta(minutes=3)
    done = await rewind(bridge, sqlpoll.position_at(since), since)
    assert (done.forgotten, bridge.position) == (2, TimestampPosition(since, 0))
    await p.poll_once()
    events = await kit.outbox()
    replayed = events[4:]
    assert [e.data.ticket for e in replayed] == ["PKM-3", "PKM-4"]
    assert {e.id for e in replayed}.isdisjoint({e.id for e in first})  # new ids: the inboxes apply them
    assert bridge.position == TimestampPosition(T + timedelta(minutes=4), 4)
    await p.poll_once()
    assert len(await kit.outbox()) == 6  # replayed once, not again


async def test_a_poll_in_flight_during_a_rewind_is_refused_and_read_again(kit, fake):
    Row = fake.Row
    bridge = kit.bridge()
    await bridge.ingest([fake.record(Row(1, T)), fake.record(Row(2, T + timedelta(minutes=5)))],
                        TimestampPosition(T + timedelta(minutes=5), 2))
    read_from = bridge.position
    await rewind(bridge, TimestampPosition(T, 0), T)
    with pytest.raises(CheckpointMovedError):  # read before the rewind: must not carry the position past T
        await bridge.ingest([fake.record(Row(3, T + timedelta(minutes=6)))],
                            TimestampPosition(T + timedelta(minutes=6), 3), read_from=read_from)
    async with kit.runtime.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(kit.tables.row_state)) == 0


async def test_metrics_show_each_bridge_s_lag_last_poll_and_rows_by_outcome(scoped_kit, fake):
    Row, table = fake.Row, Table()
    a, b = scoped_kit.bridge("app-a"), scoped_kit.bridge("app-b")
    table.put(Row(1, T))
    table.put(Row(2, T, status="X"))
    await poller(a, table, fake.record).poll_once()
    await heartbeat.beat_once(a, "DINKES", None, lambda: table.oldest_unread(a.position))
    text = scoped_kit.runtime.metrics.render().decode()
    assert 'palapa_bridge_rows_total{app="app-a",outcome="quarantined",service="kit-test"} 1.0' in text
    assert 'palapa_bridge_rows_total{app="app-a",outcome="translated",service="kit-test"} 1.0' in text
    assert 'palapa_bridge_lag_seconds{app="app-a",service="kit-test"} 0.0' in text
    assert 'palapa_bridge_quarantined_rows_total{app="app-a",service="kit-test"} 1.0' in text
    assert 'palapa_bridge_polls_total{app="app-b",service="kit-test"} 0.0' in text
    assert 'palapa_bridge_last_poll_timestamp_seconds{app="app-a"' in text
    assert 'palapa_bridge_last_poll_timestamp_seconds{app="app-b"' not in text  # never polled
    assert b.stats.polls == 0


async def test_a_row_committed_after_rows_with_later_timestamps_is_bridged_exactly_once(kit, fake):
    Row, table, clock = fake.Row, Table(), Clock(T)
    bridge = kit.bridge()
    p = poller(bridge, table, fake.record, lookback=120, clock=clock)
    for i in range(2, 12):  # ten rows committed over 30 s while row 1's transaction, stamped at T, stays open
        table.put(Row(i, T + timedelta(seconds=3 * i)))
        clock.now = T + timedelta(seconds=3 * i)
        await p.poll_once()
    assert bridge.position == TimestampPosition(T + timedelta(seconds=33), 11)
    table.put(Row(1, T))  # the open transaction commits: 33 s behind the position
    for _ in range(3):
        await p.poll_once()
    tickets = [e.data.ticket for e in await kit.outbox()]
    assert sorted(tickets) == sorted(f"PKM-{i}" for i in range(1, 12))  # each once, the late one too


async def test_a_position_carried_ahead_by_a_fast_clock_still_reads_rows_stamped_by_the_source_clock(kit, fake):
    Row, table, clock = fake.Row, Table(), Clock(T)
    bridge = kit.bridge()
    p = poller(bridge, table, fake.record, lookback=120, clock=clock)
    table.put(Row(1, T + timedelta(hours=2)))  # an app server whose clock runs two hours ahead
    await p.poll_once()
    assert bridge.position == TimestampPosition(T + timedelta(hours=2), 1)
    clock.now = T + timedelta(seconds=5)
    table.put(Row(2, T + timedelta(seconds=4)))  # stamped by the source's own clock: behind the position
    await p.poll_once()
    await p.poll_once()
    assert sorted(e.data.ticket for e in await kit.outbox()) == ["PKM-1", "PKM-2"]


async def test_a_row_stamped_in_year_one_behind_every_window_is_still_read_once(kit, fake):
    Row, table = fake.Row, Table()
    bridge = kit.bridge()
    p = poller(bridge, table, fake.record)
    table.put(Row(1, T))
    await p.poll_once()
    table.put(Row(2, datetime(1, 1, 1), status="X"))  # typed in after the position moved on
    await p.poll_once()
    await p.poll_once()
    quarantined = await kit.rows(kit.tables.quarantine)
    assert [q["source_id"] for q in quarantined] == [2]
    assert table.handed.count(2) == 1  # remembered by digest: not read again at every poll


async def test_every_row_read_ends_translated_quarantined_or_unchanged_and_the_counts_add_up(kit, fake):
    Row, table = fake.Row, Table()
    bridge = kit.bridge()
    p = poller(bridge, table, fake.record, lookback=120)
    table.put(Row(1, T))
    table.put(Row(2, T, status="X"))
    table.put(Row(3, T + timedelta(seconds=1), status="0"))
    await p.poll_once()
    p.handled.clear()  # as after a restart: the window is read again, row_state knows every row
    await p.poll_once()
    table.put(Row(4, T + timedelta(seconds=2)))
    await p.poll_once()
    s = bridge.stats
    assert (s.rows_read, s.rows_translated, s.rows_quarantined, s.rows_unchanged) == (7, 3, 1, 3)
    assert s.rows_read == s.rows_translated + s.rows_quarantined + s.rows_unchanged
    text = kit.runtime.metrics.render().decode()
    assert 'palapa_bridge_rows_total{app="kit-test",outcome="unchanged",service="kit-test"} 3.0' in text
    assert 'palapa_bridge_rows_read_total{app="kit-test",service="kit-test"} 7.0' in text
