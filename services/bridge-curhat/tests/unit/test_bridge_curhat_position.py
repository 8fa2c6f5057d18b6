"""The position and its lookback window; the heartbeat's lag."""

from datetime import UTC, datetime, timedelta

import pytest

from palapa.bridge_curhat.settings import BridgeCurhatSettings
from palapa.bridgekit.heartbeat import lag_seconds
from palapa.bridgekit.sqlpoll import TimestampPosition

T = datetime(2026, 11, 20, 8, 30, 0)


def test_a_fresh_position_reads_everything_from_the_start():
    p = TimestampPosition()
    assert p.scan_start(2) == TimestampPosition()
    assert p.is_before((datetime(2000, 1, 1), 1))


def test_the_scan_starts_lookback_seconds_before_the_position_at_the_first_id():
    assert TimestampPosition(T, 42).scan_start(2) == TimestampPosition(T - timedelta(seconds=2), 0)
    assert TimestampPosition(T, 42).scan_start(0) == TimestampPosition(T, 0)


def test_rows_beyond_the_position_are_those_after_it_in_time_then_id_order():
    p = TimestampPosition(T, 42)
    assert p.is_before((T, 43)) and p.is_before((T + timedelta(seconds=1), 1))
    assert not p.is_before((T, 42)) and not p.is_before((T, 41)) and not p.is_before((T - timedelta(seconds=1), 99))


def test_the_position_advances_to_the_greatest_key_and_never_back():
    p = TimestampPosition(T, 42)
    later = T + timedelta(seconds=3)
    assert p.advance([(T - timedelta(seconds=1), 50), (later, 7), (T, 99)]) == TimestampPosition(later, 7)
    assert p.advance([(T - timedelta(seconds=1), 50)]) == p
    assert p.advance([]) == p
    assert TimestampPosition().advance([(T, 1)]) == TimestampPosition(T, 1)


def test_lag_is_zero_when_caught_up_and_the_wait_of_the_oldest_unread_change_otherwise():
    now = datetime(2026, 11, 20, 1, 30, 10, tzinfo=UTC)
    seen = now - timedelta(seconds=60)
    assert lag_seconds(now, seen, None, reachable=True) == 0.0
    assert lag_seconds(now, seen, now - timedelta(seconds=4), reachable=True) == 4.0
    assert lag_seconds(now, seen, now + timedelta(seconds=4), reachable=True) == 0.0  # legacy clock ahead


def test_lag_grows_with_the_age_of_the_last_change_seen_while_the_legacy_db_is_away():
    now = datetime(2026, 11, 20, 1, 30, 10, tzinfo=UTC)
    assert lag_seconds(now, now - timedelta(seconds=90), None, reachable=False) == 90.0
    assert lag_seconds(now, None, None, reachable=False) is None


def test_settings_refuse_an_unsupported_legacy_database_or_zone():
    with pytest.raises(ValueError, match="unsupported database"):
        BridgeCurhatSettings(legacy_database_url="sqlite:///curhat.db")
    with pytest.raises(ValueError, match="unknown time zone"):
        BridgeCurhatSettings(legacy_database_url="mysql://root@h/c", legacy_timezone="Asia/Mojokerto")
    s = BridgeCurhatSettings(legacy_database_url="mysql://root@h/c")
    assert (s.http_port, s.poll_interval_seconds, s.batch_size, s.lookback_seconds) == (8104, 0.2, 1000, 120)
    assert (s.app_id, s.opd, s.heartbeat_seconds) == ("curhat-ning-ita", "DISKOMINFO", 10.0)
