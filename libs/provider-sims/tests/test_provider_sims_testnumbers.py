"""The test numbers' table: the last three digits decide, ordinary numbers are delivered (pure)."""

from palapa.provider_sims.testnumbers import TEST_PREFIX, outcome, plan, refused_at_attempt


def test_ordinary_numbers_are_delivered_and_read_on_whatsapp_and_delivered_by_sms():
    assert outcome("+6281234567890") is None
    assert plan("+6281234567890", channel="whatsapp").statuses == ("sent", "delivered", "read")
    assert plan("+6281234567890", channel="sms").statuses == ("sent", "delivered")


def test_only_the_exact_test_numbers_have_quirks():
    assert outcome(TEST_PREFIX + "0000") == "not_on_whatsapp"
    assert outcome(TEST_PREFIX + "00000") is None and outcome(TEST_PREFIX + "0x00") is None


def test_rate_limits_and_temporary_failures_come_on_odd_attempts_only():
    assert [refused_at_attempt(TEST_PREFIX + "0005", n) for n in (1, 2, 3)] == ["rate_limited", None, "rate_limited"]
    assert [refused_at_attempt(TEST_PREFIX + "0006", n) for n in (1, 2)] == ["temporary", None]
    assert refused_at_attempt(TEST_PREFIX + "0007", 2) == "refused"


def test_the_shuffled_number_reports_every_status_twice_in_reverse():
    steps = plan(TEST_PREFIX + "0008", channel="whatsapp")
    assert steps.statuses == ("read", "delivered", "sent") and steps.duplicate_all
