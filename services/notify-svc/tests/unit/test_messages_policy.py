"""Preferences and STOP, quiet hours 21:00–06:00 WIB, critical messages, caps per recipient."""

from datetime import UTC, datetime, timedelta

from palapa.notify.messages.policy import (
    ANY_KIND,
    Caps,
    Kind,
    Preference,
    QuietHours,
    permitted,
    reply_intent,
)


def wib(hour: int, minute: int = 0, day: int = 7) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


def test_stop_and_its_indonesian_words_opt_out_and_start_opts_back_in():
    assert [reply_intent(t) for t in ("STOP", " berhenti ", "Stop  Semua", "MULAI", "halo stop")] == [
        False, False, False, True, None]


def test_a_stop_on_a_channel_is_honoured_for_every_ordinary_kind():
    prefs = [Preference(ANY_KIND, "whatsapp", False)]
    assert permitted(prefs, Kind.COMPLAINT_RESOLVED, "whatsapp").reason == "opted_out"
    assert permitted(prefs, Kind.COMPLAINT_RESOLVED, "sms") is None


def test_a_stop_cannot_be_bypassed_by_allowing_one_kind_on_the_channel():
    prefs = [Preference(ANY_KIND, "sms", False), Preference(Kind.TAX_DUE, "sms", True)]
    assert permitted(prefs, Kind.TAX_DUE, "sms").reason == "opted_out"


def test_preferences_are_per_kind_and_per_channel():
    prefs = [Preference(Kind.TAX_DUE, "whatsapp", False)]
    assert permitted(prefs, Kind.TAX_DUE, "whatsapp").reason == "preference"
    assert permitted(prefs, Kind.TAX_DUE, "email") is None
    assert permitted(prefs, Kind.COMPLAINT_RESOLVED, "whatsapp") is None


def test_critical_messages_skip_preferences():
    prefs = [Preference(ANY_KIND, "sms", False)]
    assert permitted(prefs, Kind.ONE_TIME_CODE, "sms") is None
    assert permitted(prefs, Kind.AMBULANCE_DISPATCHED, "sms") is None
    assert permitted(prefs, Kind.OPD_MESSAGE, "sms", critical=True) is None


def test_a_message_requested_in_quiet_hours_waits_until_six_wib():
    quiet = QuietHours()
    assert quiet.not_before(wib(22, 30)) == wib(6, day=8)
    assert quiet.not_before(wib(3, 15)) == wib(6)
    assert quiet.not_before(wib(21)) == wib(6, day=8)


def test_a_message_outside_quiet_hours_goes_at_once():
    quiet = QuietHours()
    assert quiet.not_before(wib(6)) == wib(6)
    assert quiet.not_before(wib(20, 59)) == wib(20, 59)


def test_critical_messages_skip_quiet_hours():
    assert QuietHours().not_before(wib(23), critical=True) == wib(23)


def test_caps_refuse_the_21st_identical_and_the_101st_message_in_an_hour():
    caps = Caps()
    assert caps.check(19, 50) is None
    assert caps.check(20, 50).reason == "cap_identical"
    assert caps.check(0, 99) is None
    assert caps.check(0, 100).reason == "cap_total"


def test_caps_are_configurable():
    assert Caps(identical=2, total=3).check(2, 2).reason == "cap_identical"
    assert "30 menit" in Caps(total=1, window=timedelta(minutes=30)).check(0, 1).detail


def test_a_one_time_code_must_be_a_code_so_it_cannot_carry_a_message_past_a_stop():
    from palapa.notify.messages.policy import critical_values_refused

    assert critical_values_refused(Kind.ONE_TIME_CODE, {"code": "482913"}) is None
    for forged in ("Promo! Klik http://x", "12", "123456789", "١٢٣٤٥٦"):
        assert critical_values_refused(Kind.ONE_TIME_CODE, {"code": forged}).reason == "bad_code"
    assert critical_values_refused(Kind.TAX_DUE, {"code": "anything"}) is None
