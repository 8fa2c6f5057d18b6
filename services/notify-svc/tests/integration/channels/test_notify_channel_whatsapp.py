"""The WhatsApp adapter against sim-whatsapp: templates, the 24-hour window, every refusal mapped, callbacks parsed."""

from __future__ import annotations

import httpx
import pytest

from palapa.localstack import free_port
from palapa.notify.channels.base import Outgoing, PermanentFailure, TemporaryFailure
from palapa.provider_sims import whatsapp
from palapa.provider_sims.settings import WhatsAppSimSettings
from palapa.provider_sims.testnumbers import TEST_PREFIX
from palapa.testkit import running

from .conftest import Sim, citizen, collect, first_seen, whatsapp_channel

pytestmark = pytest.mark.integration


def template(to: str, name: str = "status_pengaduan", params=("CURHAT-7", "sedang diproses"), mid: str = "m-1"):
    return Outgoing(message_id=mid, channel="whatsapp", to=to, body="(pratinjau)", template=name, params=params)


def text(to: str, body: str = "Terima kasih, laporan Anda kami terima.", mid: str = "m-2") -> Outgoing:
    return Outgoing(message_id=mid, channel="whatsapp", to=to, body=body)


def no_number_in(reason: str) -> None:
    assert "+62" not in reason and TEST_PREFIX[1:] not in reason and "62812" not in reason, reason


async def test_an_approved_template_arrives_and_its_signed_statuses_are_parsed_in_order(wa, whatsapp_sim, receiver):
    to = citizen()
    accepted = await wa.send(template(to))
    assert accepted.provider_id.startswith("wamid.")
    reports, _ = await collect(wa, receiver, accepted.provider_id, statuses=3)
    assert first_seen(reports) == ["sent", "delivered", "read"]
    assert {r.provider_id for r in reports} == {accepted.provider_id}
    assert all(r.at.tzinfo is not None and r.error is None for r in reports)
    listed = (await whatsapp_sim.svc.http.get("/_sim/messages", params={"to": to})).json()["messages"]
    assert [(m["template"], m["params"], m["reference"]) for m in listed] == [
        ("status_pengaduan", ["CURHAT-7", "sedang diproses"], "m-1")]


async def test_free_text_without_the_citizens_own_message_is_refused_as_meta_does(wa):
    with pytest.raises(PermanentFailure) as refused:
        await wa.send(text(citizen()))
    assert "131047" in refused.value.reason and not refused.value.not_on_channel
    no_number_in(refused.value.reason)


async def test_the_citizens_stop_arrives_as_inbound_text_and_opens_the_24_hour_window(wa, whatsapp_sim, receiver):
    to = citizen()
    answer = await whatsapp_sim.svc.http.post("/_sim/inbound", json={"from": to, "text": "STOP"})
    assert answer.json()["delivered"] is True
    (headers, body), = await receiver.wait(answer.json()["id"], 1, "inbound messages")
    inbound = wa.verify_callback(headers, body).inbound
    assert [(i.channel, i.sender, i.text) for i in inbound] == [("whatsapp", to, "STOP")]
    assert (await wa.send(text(to))).provider_id.startswith("wamid.")


async def test_a_window_that_closed_25_hours_ago_refuses_free_text_again(wa, whatsapp_sim):
    to = citizen()
    await whatsapp_sim.svc.http.post("/_sim/inbound", json={"from": to, "text": "halo", "seconds_ago": 25 * 3600})
    with pytest.raises(PermanentFailure, match="131047"):
        await wa.send(text(to))


@pytest.mark.parametrize("name", ["tidak_ada", "pengumuman_draf", "promo_kota"])
async def test_unknown_unapproved_and_marketing_templates_are_refused_permanently(wa, name):
    with pytest.raises(PermanentFailure, match="132001") as refused:
        await wa.send(template(citizen(), name=name, params=()))
    assert not refused.value.not_on_channel


async def test_a_template_with_the_wrong_number_of_parameters_is_refused(wa):
    with pytest.raises(PermanentFailure, match="132000"):
        await wa.send(template(citizen(), params=("CURHAT-7",)))


@pytest.mark.parametrize("param", ["CURHAT-7\n\nAbaikan pesan sebelumnya", "a\tb", "a     b", "x" * 1025])
async def test_a_parameter_that_would_reshape_the_template_is_refused(wa, param):
    with pytest.raises(PermanentFailure, match="13200|132018"):
        await wa.send(template(citizen(), params=(param, "selesai")))


@pytest.mark.parametrize("to", ["+62" + "9" * 400, "bukan nomor", "+62 812\r\n3456 7890", "", "+62812"])
async def test_an_oversized_or_odd_recipient_is_refused_permanently_without_echoing_it(wa, to):
    with pytest.raises(PermanentFailure, match="whatsapp 100") as refused:
        await wa.send(template(to))
    assert "999" not in refused.value.reason and "nomor" not in refused.value.reason
    no_number_in(refused.value.reason)


async def test_a_number_not_on_whatsapp_fails_permanently_and_lets_the_dispatcher_fall_back(wa):
    with pytest.raises(PermanentFailure) as refused:
        await wa.send(template(TEST_PREFIX + "0000"))
    assert refused.value.not_on_channel and "131026" in refused.value.reason
    no_number_in(refused.value.reason)


async def test_a_429_is_temporary_with_the_providers_retry_after_and_the_next_try_goes_through(wa):
    with pytest.raises(TemporaryFailure) as limited:
        await wa.send(template(TEST_PREFIX + "0005"))
    assert limited.value.retry_after_s == 1.0 and "130429" in limited.value.reason
    assert (await wa.send(template(TEST_PREFIX + "0005"))).provider_id


async def test_a_5xx_is_temporary_and_a_refused_recipient_is_permanent(wa):
    with pytest.raises(TemporaryFailure, match="131000") as busy:
        await wa.send(template(TEST_PREFIX + "0006"))
    assert busy.value.retry_after_s is None
    with pytest.raises(PermanentFailure) as refused:
        await wa.send(template(TEST_PREFIX + "0007"))
    assert not refused.value.not_on_channel


async def test_a_wrong_token_is_permanent(whatsapp_sim, provider_http):
    with pytest.raises(PermanentFailure, match="190"):
        await whatsapp_channel(whatsapp_sim, provider_http, access_token="dicuri").send(template(citizen()))


async def test_an_unreachable_or_silent_provider_is_a_temporary_failure(whatsapp_sim, receiver, provider_http):
    with pytest.raises(TemporaryFailure, match="ConnectError"):
        await whatsapp_channel(whatsapp_sim, provider_http, base_url=f"http://127.0.0.1:{free_port()}").send(
            template(citizen()))
    async with httpx.AsyncClient(timeout=0.3) as http:  # the receiver's /slow answers after 2 s
        with pytest.raises(TemporaryFailure, match="in time"):
            await whatsapp_channel(whatsapp_sim, http, base_url=receiver.url + "/slow").send(template(citizen()))


async def test_statuses_arriving_twice_and_in_reverse_are_parsed_and_the_exact_duplicate_is_a_replay(wa, receiver):
    accepted = await wa.send(template(TEST_PREFIX + "0008"))
    reports, replays = await collect(wa, receiver, accepted.provider_id, statuses=3, bodies=6)
    assert first_seen(reports) == ["read", "delivered", "sent"] and len(reports) == 3 and replays >= 3


@pytest.mark.parametrize(("digits", "statuses"), [("0003", ["sent", "failed"]),
                                                   ("0009", ["sent", "delivered", "failed"]),
                                                   ("0004", ["sent"])])
async def test_failures_after_sending_carry_the_providers_error(wa, receiver, digits, statuses):
    accepted = await wa.send(template(TEST_PREFIX + digits))
    reports, _ = await collect(wa, receiver, accepted.provider_id, statuses=len(statuses))
    assert first_seen(reports) == statuses
    if "failed" in statuses:
        assert {r.error for r in reports if r.status == "failed"} == {"131026 Message undeliverable"}


async def test_the_random_quirks_of_a_busy_day_duplicates_and_reordering_are_parsed(receiver, provider_http):
    settings = WhatsAppSimSettings(webhook_url=receiver.url + "/callback", status_delay_seconds=0.01,
                                   duplicate_ratio=1.0, out_of_order_ratio=1.0, seed=3)
    async with running(whatsapp.create_app(settings), port=free_port(), name="sim-whatsapp-busy") as svc:
        channel = whatsapp_channel(Sim(svc, settings), provider_http)
        accepted = await channel.send(template(citizen()))
        reports, replays = await collect(channel, receiver, accepted.provider_id, statuses=3, bodies=6)
    order = first_seen(reports)
    assert sorted(order) == ["delivered", "read", "sent"] and order != ["sent", "delivered", "read"] and replays >= 3
