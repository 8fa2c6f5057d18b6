"""Provider callbacks as an attacker sends them: unsigned, forged, tampered, replayed, stale, malformed: refused
with a reason; signed ones parsed (no I/O: bodies signed here as the providers sign them)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import httpx
import pytest

from palapa.notify.channels.base import CallbackRefusedError
from palapa.notify.channels.guard import CallbackReplayedError, ReplayGuard, retry_after, safe_reason
from palapa.notify.channels.sms import SmsChannel
from palapa.notify.channels.whatsapp import WhatsAppChannel

SECRET = "rahasia-aplikasi"
HTTP = httpx.AsyncClient()


def whatsapp(window_s: float = 300) -> WhatsAppChannel:
    return WhatsAppChannel(HTTP, base_url="http://wa", api_version="v21.0", phone_number_id="1234567",
                           access_token="t", app_secret=SECRET, callback_window_s=window_s)


def sms(window_s: float = 300) -> SmsChannel:
    return SmsChannel(HTTP, base_url="http://sms", api_key="k", api_secret=SECRET, callback_window_s=window_s)


def wa_body(status: str = "delivered", at: float | None = None, **extra) -> bytes:
    entry = {"id": "wamid.A", "status": status, "timestamp": str(int(at or time.time())), "recipient_id": "6281",
             **extra}
    return json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
        {"field": "messages", "value": {"messaging_product": "whatsapp", "statuses": [entry]}}]}]}).encode()


def wa_signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    return {"X-Hub-Signature-256": "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}


def sms_signed(body: bytes, ts: float | None = None, secret: str = SECRET) -> dict[str, str]:
    stamp = str(int(ts or time.time()))
    return {"x-timestamp": stamp,
            "x-signature": hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()}


def sms_body(status: str = "DELIVERED") -> bytes:
    return json.dumps({"message_id": "SMS1", "status": status, "timestamp": int(time.time())}).encode()


def test_a_signed_whatsapp_status_is_parsed_with_headers_in_any_case():
    body = wa_body()
    headers = {k.lower(): v for k, v in wa_signed(body).items()}
    (report,) = whatsapp().verify_callback(headers, body).statuses
    assert (report.provider_id, report.status) == ("wamid.A", "delivered")


@pytest.mark.parametrize(("headers", "reason"), [
    ({}, "unsigned"),
    ({"X-Hub-Signature-256": ""}, "unsigned"),
    ({"X-Hub-Signature-256": "sha256=00"}, "wrong signature"),
    (wa_signed(wa_body(), secret="tebakan"), "wrong signature"),
    (wa_signed(wa_body("read")), "wrong signature"),  # a valid signature of another body: tampered
], ids=["no header", "empty", "garbage", "wrong secret", "tampered body"])
def test_unsigned_forged_and_tampered_whatsapp_callbacks_are_refused(headers, reason):
    with pytest.raises(CallbackRefusedError, match=reason):
        whatsapp().verify_callback(headers, wa_body())


def test_a_replayed_whatsapp_callback_is_refused_the_second_time():
    channel, body = whatsapp(), wa_body()
    channel.verify_callback(wa_signed(body), body)
    with pytest.raises(CallbackReplayedError, match="replayed"):
        channel.verify_callback(wa_signed(body), body)


def test_a_callback_that_could_not_be_applied_is_taken_when_the_provider_sends_it_again():
    channel, body = whatsapp(), wa_body()
    first = channel.verify_callback(wa_signed(body), body)
    channel.guard.forget(first.seen_as)  # what the route does when applying it failed (answered 5xx)
    assert channel.verify_callback(wa_signed(body), body).statuses == first.statuses


@pytest.mark.parametrize("shift", [-3600, 3600], ids=["an hour old", "an hour ahead"])
def test_a_whatsapp_callback_stamped_outside_the_window_is_refused(shift):
    body = wa_body(at=time.time() + shift)
    with pytest.raises(CallbackRefusedError, match="stale|future"):
        whatsapp().verify_callback(wa_signed(body), body)


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"object": "page"}', wa_body(timestamp="besok"),
                                  json.dumps({"object": "whatsapp_business_account", "entry": [{"changes": [
                                      {"field": "messages", "value": {"messages": [
                                          {"from": "62 81; DROP", "timestamp": str(int(time.time())),
                                           "type": "text", "text": {"body": "x"}}]}}]}]}).encode(),
                                  wa_body(timestamp="1e300")],
                         ids=["not json", "a list", "another object", "bad timestamp", "odd sender", "huge time"])
def test_a_signed_but_malformed_whatsapp_callback_is_refused_not_crashed(body):
    with pytest.raises(CallbackRefusedError):
        whatsapp().verify_callback(wa_signed(body), body)


def test_whatsapp_failure_errors_are_kept_without_a_phone_number():
    body = wa_body("failed", errors=[{"code": 131026, "title": "Undeliverable to +62 812 3456 7890"}])
    (report,) = whatsapp().verify_callback(wa_signed(body), body).statuses
    assert report.status == "failed" and "3456" not in report.error and "131026" in report.error


def test_a_signed_sms_report_is_parsed():
    body = sms_body()
    (report,) = sms().verify_callback(sms_signed(body), body).statuses
    assert (report.provider_id, report.status) == ("SMS1", "delivered")


@pytest.mark.parametrize(("make", "reason"), [
    (lambda b: {}, "unsigned"),
    (lambda b: {"X-Timestamp": str(int(time.time()))}, "unsigned"),
    (lambda b: sms_signed(b, secret="tebakan"), "wrong signature"),
    (lambda b: sms_signed(sms_body("UNDELIVERED")), "wrong signature"),
    (lambda b: sms_signed(b, ts=time.time() - 3600), "stale"),
    (lambda b: sms_signed(b, ts=time.time() + 3600), "future"),
], ids=["no headers", "no signature", "wrong secret", "tampered", "an hour old", "an hour ahead"])
def test_unsigned_forged_tampered_and_stale_sms_reports_are_refused(make, reason):
    body = sms_body()
    with pytest.raises(CallbackRefusedError, match=reason):
        sms().verify_callback(make(body), body)


def test_a_replayed_sms_report_is_refused_and_an_unknown_status_is_named():
    channel, body = sms(), sms_body()
    headers = sms_signed(body)
    channel.verify_callback(headers, body)
    with pytest.raises(CallbackReplayedError):
        channel.verify_callback(headers, body)
    odd = sms_body("DIBACA")
    with pytest.raises(CallbackRefusedError, match="unknown delivery status"):
        channel.verify_callback(sms_signed(odd), odd)


def test_the_replay_guard_forgets_after_the_window_and_stays_bounded():
    now = [1000.0]
    guard = ReplayGuard(60, capacity=3, clock=lambda: now[0])
    guard.remember("a")
    now[0] += 61
    guard.remember("a")  # the first is outside the window: forgotten
    for key in "bcd":
        guard.remember(key)
    assert len(guard._seen) <= 3


def test_retry_after_reads_seconds_and_dates_and_ignores_garbage():
    assert retry_after("7") == 7.0 and retry_after(None) is None and retry_after("segera") is None
    assert 0 <= retry_after("Wed, 21 Oct 2015 07:28:00 GMT") <= 1  # a date in the past: now
    assert retry_after("99999999") == 86_400.0


def test_safe_reasons_carry_no_phone_number_or_address():
    assert safe_reason("to +62 812-3456-7890 and warga@contoh.id failed") == "to [nomor] and [alamat] failed"
