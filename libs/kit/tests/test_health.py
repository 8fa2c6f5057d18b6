"""Readiness rules with no fixtures: when a consumer counts as stuck, when an outbox cannot drain."""

from datetime import UTC, datetime, timedelta

from palapa.kit.health import ConsumerProgress, OutboxState, Standing, advance, stuck_for
from palapa.kit.metrics import Metrics

T = "palapa.complaints.intake.v1"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def progress(stuck_after: float = 30) -> tuple[ConsumerProgress, Clock]:
    clock = Clock()
    return ConsumerProgress(stuck_after=stuck_after, clock=clock), clock


def test_a_consumer_that_keeps_moving_is_not_stuck():
    p, clock = progress()
    for position in range(0, 100, 10):
        p.observe(T, 0, position, end=200)
        clock.now += 20
    assert p.stuck() == []


def test_a_consumer_behind_and_unmoved_past_the_limit_is_stuck():
    p, clock = progress()
    p.observe(T, 2, 41, end=50)
    clock.now += 29
    p.observe(T, 2, 41, end=55)
    assert p.stuck() == []
    clock.now += 1
    assert p.stuck() == [f"{T}[2] at offset 41, 14 behind, unmoved for 30 s"]


def test_a_consumer_that_stops_observing_while_behind_turns_up_stuck():
    p, clock = progress()
    p.observe(T, 0, 7, end=9)
    assert p.stuck(now=clock.now + 31) == [f"{T}[0] at offset 7, 2 behind, unmoved for 31 s"]


def test_an_idle_consumer_at_the_end_is_never_stuck():
    p, clock = progress()
    p.observe(T, 0, 9, end=9)
    assert p.stuck(now=clock.now + 3600) == []


def test_an_idle_consumer_that_gets_work_is_stuck_30_s_later_not_at_once():
    p, clock = progress()
    p.observe(T, 0, 9, end=9)
    clock.now += 3600  # idle for an hour, then records arrive and the position does not move
    p.observe(T, 0, 9, end=12)
    assert p.stuck() == []
    clock.now += 29.9
    p.observe(T, 0, 9, end=12)
    assert p.stuck() == []
    clock.now += 0.1
    assert p.stuck() == [f"{T}[0] at offset 9, 3 behind, unmoved for 30 s"]


def test_a_consumer_that_catches_up_starts_the_wait_again_when_work_returns():
    p, clock = progress()
    p.observe(T, 0, 1, end=5)
    clock.now += 25
    p.observe(T, 0, 5, end=5)  # caught up
    p.observe(T, 0, 5, end=8)  # new work at once
    clock.now += 29
    assert p.stuck() == []
    clock.now += 1
    assert p.stuck() == [f"{T}[0] at offset 5, 3 behind, unmoved for 30 s"]


def test_the_wait_starts_when_work_is_first_seen_and_restarts_when_the_position_moves():
    seen = advance(None, 4, 4, now=10)
    assert seen == Standing(4, 4, None)
    seen = advance(seen, 4, 6, now=50)
    assert seen.waiting_since == 50
    assert advance(seen, 4, 9, now=70).waiting_since == 50  # more work does not restart it
    assert advance(seen, 5, 9, now=70).waiting_since == 70  # progress does


def test_stuck_for_counts_only_waiting_work_from_the_start_of_the_wait():
    assert stuck_for(Standing(4, 4, None), now=1e9, after=30) is None
    assert stuck_for(Standing(4, 6, 100), now=129.9, after=30) is None
    assert stuck_for(Standing(4, 6, 100), now=130, after=30) == 30


def test_a_revoked_partition_is_forgotten():
    p, clock = progress()
    p.observe(T, 0, 1, end=9)
    p.forget(T, 0)
    assert p.stuck(now=clock.now + 3600) == []


def test_only_the_stuck_partition_is_named():
    p, clock = progress()
    p.observe(T, 0, 1, end=9)
    p.observe(T, 1, 1, end=9)
    clock.now += 31
    p.observe(T, 1, 5, end=9)
    assert [line.split(" ")[0] for line in p.stuck()] == [f"{T}[0]"]


def test_observing_sets_the_lag_gauge_and_forgetting_removes_it():
    metrics = Metrics("svc")
    p = ConsumerProgress(metrics)
    p.observe(T, 3, 40, end=50)
    assert f'palapa_consumer_lag_records{{partition="3",service="svc",topic="{T}"}} 10.0' in metrics.render().decode()
    p.forget(T, 3)
    assert "partition=\"3\"" not in metrics.render().decode()


NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def test_an_empty_or_fresh_outbox_drains():
    assert OutboxState(backlog=0, parked=0, oldest_waiting=None).stalled(NOW) is None
    assert OutboxState(backlog=500, parked=0, oldest_waiting=NOW - timedelta(seconds=29)).stalled(NOW) is None


def test_an_outbox_whose_oldest_row_waits_too_long_cannot_drain():
    state = OutboxState(backlog=12, parked=0, oldest_waiting=NOW - timedelta(seconds=45))
    assert state.stalled(NOW) == "stalled: oldest unpublished row waits 45 s (12 waiting)"


def test_parked_rows_are_shown_with_the_last_reason():
    assert OutboxState(0, 0, None).parked_note() == "none"
    note = OutboxState(0, 2, None, "MessageSizeTooLarge: " + "x" * 500).parked_note()
    assert note.startswith("2 rows parked, last: MessageSizeTooLarge") and len(note) < 240
