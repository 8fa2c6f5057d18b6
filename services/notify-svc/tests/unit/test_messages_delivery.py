"""The delivery status machine, retries with backoff, and the fallback from WhatsApp to SMS."""

from datetime import UTC, datetime, timedelta

import pytest

from palapa.notify.messages.delivery import Retry, Status, advance, falls_back

NOW = datetime(2026, 12, 7, 3, tzinfo=UTC)


@pytest.mark.parametrize(("current", "reported", "new"), [
    ("queued", "sending", "sending"), ("sending", "sent", "sent"), ("sent", "delivered", "delivered"),
    ("delivered", "read", "read"), ("sent", "read", "read"), ("sending", "delivered", "delivered"),
])
def test_statuses_move_forward(current, reported, new):
    assert advance(current, reported) == Status(new)


@pytest.mark.parametrize(("current", "reported"), [
    ("delivered", "sent"), ("read", "delivered"), ("read", "sent"), ("sent", "sending"), ("sent", "sent"),
])
def test_statuses_never_move_backwards_and_a_repeat_changes_nothing(current, reported):
    assert advance(current, reported) is None


def test_a_failure_after_delivery_does_not_undo_the_delivery_as_whatsapp_reports_it():
    assert advance("delivered", "failed") is None
    assert advance("read", "failed") is None


def test_a_failure_before_delivery_is_final_unless_delivery_is_reported_after_it():
    assert advance("sent", "failed") == Status.FAILED
    assert advance("failed", "sent") is None
    assert advance("failed", "delivered") == Status.DELIVERED


def test_a_whatsapp_failure_or_a_number_not_on_whatsapp_falls_back_to_sms():
    assert falls_back("whatsapp") == "sms"
    assert falls_back("whatsapp", not_on_channel=True) == "sms"
    assert falls_back("sms") is None
    assert falls_back("email") is None


def test_temporary_failures_are_retried_with_doubling_backoff_then_given_up():
    retry = Retry(attempts=4, first=timedelta(seconds=30), cap=timedelta(minutes=30))
    assert [retry.next_at(n, NOW) - NOW for n in (1, 2, 3)] == [
        timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert retry.next_at(4, NOW) is None


def test_a_providers_retry_after_is_honoured_but_capped():
    retry = Retry(cap=timedelta(minutes=5))
    assert retry.next_at(1, NOW, retry_after_s=90) == NOW + timedelta(seconds=90)
    assert retry.next_at(1, NOW, retry_after_s=3600) == NOW + timedelta(minutes=5)
    assert retry.next_at(10, NOW) is None
