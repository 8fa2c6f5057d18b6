"""The SMS adapter against sim-sms: signed requests, de-duplication by our id, every refusal mapped, reports parsed."""

from __future__ import annotations

import time

import pytest

from palapa.notify.channels.base import Outgoing, PermanentFailure, TemporaryFailure
from palapa.provider_sims.testnumbers import TEST_PREFIX
from palapa.testkit import eventually

from .conftest import citizen, collect, first_seen, sms_channel

pytestmark = pytest.mark.integration


def sms(to: str, mid: str, body: str = "Kode Anda 123456. Jangan berikan kepada siapa pun.") -> Outgoing:
    return Outgoing(message_id=mid, channel="sms", to=to, body=body, critical=True)


async def test_a_message_is_sent_and_its_signed_delivery_reports_are_parsed(sms_gateway, sms_sim, receiver):
    to = citizen()
    accepted = await sms_gateway.send(sms(to, "otp-1"))
    reports, _ = await collect(sms_gateway, receiver, accepted.provider_id, statuses=2)
    assert first_seen(reports) == ["sent", "delivered"]
    assert {(r.provider_id, r.error) for r in reports} == {(accepted.provider_id, None)}
    listed = (await sms_sim.svc.http.get("/_sim/messages", params={"msisdn": to})).json()["messages"]
    assert [(m["message"], m["ref_id"]) for m in listed] == [("Kode Anda 123456. Jangan berikan kepada siapa pun.",
                                                              "otp-1")]


async def test_the_status_can_be_polled_when_callbacks_do_not_come(sms_gateway):
    accepted = await sms_gateway.send(sms(citizen(), "poll-1"))

    async def delivered():
        report = await sms_gateway.poll(accepted.provider_id)
        return report is not None and report.status == "delivered"

    await eventually(delivered, what="the polled status to be delivered")


async def test_the_same_message_sent_again_is_not_sent_twice(sms_gateway, sms_sim):
    to = citizen()
    first, again = await sms_gateway.send(sms(to, "dup-1")), await sms_gateway.send(sms(to, "dup-1"))
    assert first == again
    assert len((await sms_sim.svc.http.get("/_sim/messages", params={"msisdn": to})).json()["messages"]) == 1


async def test_a_429_is_temporary_with_retry_after_and_a_busy_gateway_is_temporary(sms_gateway):
    with pytest.raises(TemporaryFailure, match="THROTTLED") as limited:
        await sms_gateway.send(sms(TEST_PREFIX + "0005", "r-1"))
    assert limited.value.retry_after_s == 1.0
    assert (await sms_gateway.send(sms(TEST_PREFIX + "0005", "r-2"))).provider_id
    with pytest.raises(TemporaryFailure, match="503 GATEWAY_BUSY"):
        await sms_gateway.send(sms(TEST_PREFIX + "0006", "r-3"))


async def test_a_blacklisted_number_is_permanent_and_a_foreign_number_lets_the_dispatcher_fall_back(sms_gateway):
    with pytest.raises(PermanentFailure, match="BLACKLISTED") as refused:
        await sms_gateway.send(sms(TEST_PREFIX + "0007", "p-1"))
    assert not refused.value.not_on_channel
    with pytest.raises(PermanentFailure, match="INVALID_MSISDN") as foreign:
        await sms_gateway.send(sms("+15555550100", "p-2"))
    assert foreign.value.not_on_channel and "555" not in foreign.value.reason


@pytest.mark.parametrize("overrides", [{"api_secret": "salah"}, {"clock": lambda: time.time() - 3600}],
                         ids=["wrong secret", "clock an hour behind"])
async def test_a_request_with_a_wrong_signature_or_a_stale_time_is_refused(sms_sim, provider_http, overrides):
    with pytest.raises(PermanentFailure, match="401"):
        await sms_channel(sms_sim, provider_http, **overrides).send(sms(citizen(), "a-1"))


async def test_undelivered_reports_carry_the_operators_error_and_reversed_duplicates_are_parsed(sms_gateway, receiver):
    failed = await sms_gateway.send(sms(TEST_PREFIX + "0003", "f-1"))
    reports, _ = await collect(sms_gateway, receiver, failed.provider_id, statuses=2)
    assert first_seen(reports) == ["sent", "failed"]
    assert {r.error for r in reports if r.status == "failed"} == {"EC_ABSENT_SUBSCRIBER"}
    shuffled = await sms_gateway.send(sms(TEST_PREFIX + "0008", "s-1"))
    # each report twice: the same signature (a replay) or, across a second's boundary, signed anew (parsed again)
    reports, replays = await collect(sms_gateway, receiver, shuffled.provider_id, statuses=2, bodies=4)
    assert first_seen(reports) == ["delivered", "sent"] and len(reports) + replays >= 4
