"""Lag over time (pure): a process's answer read defensively; samples summed per group and thinned by peaks."""

from datetime import UTC, datetime, timedelta

from palapa.ops.lag import sample_rows, series

T = datetime(2026, 12, 7, 10, tzinfo=UTC)


def test_an_answer_becomes_one_row_per_partition_and_malformed_entries_are_skipped():
    answer = {"service": "x", "partitions": [
        {"group": "g", "topic": "t", "partition": 0, "lag": 4, "stuck": True},
        {"group": "g", "topic": "t", "partition": 1, "lag": -1},  # impossible: skipped
        {"group": "g", "topic": "t", "partition": "2", "lag": 1},  # not a number
        {"group": "", "topic": "t", "partition": 3, "lag": 1},
        {"group": "g", "topic": "t", "partition": 4, "lag": True},
        "nonsense"]}
    assert sample_rows("complaint-svc", answer, T) == [
        {"at": T, "service": "complaint-svc", "group": "g", "topic": "t", "partition": 0, "lag": 4, "stuck": True}]
    assert sample_rows("x", ["not", "a", "dict"], T) == sample_rows("x", {"partitions": "no"}, T) == []


def test_samples_are_summed_per_group_and_pass_and_thinned_keeping_the_peaks():
    rows = [(T + timedelta(seconds=30 * i), "g", "t", lag, False) for i, lag in enumerate([1, 9, 2, 3])]
    rows += [(T, "g", "t", 5, True), (T, "h", "u", 0, False)]  # another partition of g at the first pass
    [g, h] = series(rows)
    assert (g["group"], g["topic"]) == ("g", "t")
    assert [(p["lag"], p["stuck"]) for p in g["points"]] == [(6, True), (9, False), (2, False), (3, False)]
    assert [(p["at"], p["lag"]) for p in series(rows, most=2)[0]["points"]] == [(T, 9), (T + timedelta(seconds=60), 3)]
    assert h["points"] == [{"at": T, "lag": 0, "stuck": False}]
    assert series([]) == []
