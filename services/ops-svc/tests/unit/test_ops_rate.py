"""The dead-letter rate's hours (pure): every hour of the window listed, the empty ones as 0."""

from datetime import UTC, datetime

from palapa.ops.domain import hourly, hours_back


def test_the_window_ends_with_the_hour_now_falls_in_oldest_first():
    now = datetime(2026, 12, 7, 17, 42, 10, tzinfo=UTC)
    assert hours_back(now, 3) == [datetime(2026, 12, 7, h, tzinfo=UTC) for h in (15, 16, 17)]


def test_hours_without_dead_letters_count_zero_and_older_counts_are_left_out():
    now = datetime(2026, 12, 7, 0, 5, tzinfo=UTC)
    counts = {datetime(2026, 12, 6, 23, tzinfo=UTC): 4, datetime(2026, 12, 6, 1, tzinfo=UTC): 9}
    assert hourly(counts, now, 2) == [(datetime(2026, 12, 6, 23, tzinfo=UTC), 4),
                                      (datetime(2026, 12, 7, tzinfo=UTC), 0)]
