"""The replay form's checks (pure): the typed time read in WIB (or its own zone), never in the future; a reason."""

from datetime import UTC, datetime

import pytest

from palapa.gate.ops.replay import APP_ID, ReplayFormError, since_of, why_of

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)  # 17:00 WIB


def test_a_time_typed_without_its_zone_is_wib_and_one_with_its_zone_is_kept():
    assert since_of("2026-12-07T08:00", NOW) == datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    assert since_of(" 2026-12-07T08:00:30 ", NOW).utcoffset().total_seconds() == 7 * 3600
    assert since_of("2026-12-07T09:00:00+00:00", NOW) == datetime(2026, 12, 7, 9, tzinfo=UTC)


@pytest.mark.parametrize("typed", ["", "kemarin", "2026-13-01T00:00", "9" * 41, "2026-12-07T17:30"])
def test_an_unreadable_or_future_time_is_refused_with_a_reason(typed):
    with pytest.raises(ReplayFormError):
        since_of(typed, NOW)


def test_the_reason_is_required_and_kept_to_one_line():
    assert why_of("  complaint-svc\n dibangun   ulang ") == "complaint-svc dibangun ulang"
    with pytest.raises(ReplayFormError):
        why_of(" x ")
    assert len(why_of("a" * 900)) == 500


def test_only_plain_app_ids_reach_the_catalog():
    assert APP_ID.fullmatch("curhat-ning-ita")
    assert not APP_ID.fullmatch("../apps") and not APP_ID.fullmatch("Curhat") and not APP_ID.fullmatch("")
