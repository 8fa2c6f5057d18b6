"""The e-mail adapter over real SMTP into sim-mail's aiosmtpd: what arrives, and what is refused before it is sent."""

from __future__ import annotations

import pytest

from palapa.localstack import free_port
from palapa.notify.channels.base import CallbackRefusedError, Outgoing, PermanentFailure, TemporaryFailure
from palapa.notify.channels.email import EmailChannel

pytestmark = pytest.mark.integration


def mail(to: str, mid: str = "msg-1", subject: str = "Pengaduan CURHAT-7 selesai",
         body: str = "Terima kasih.") -> Outgoing:
    return Outgoing(message_id=mid, channel="email", to=to, body=body, subject=subject)


async def arrived(sim, to: str) -> list[dict]:
    return (await sim.svc.http.get("/_sim/messages", params={"to": to})).json()["messages"]


async def test_an_email_arrives_over_smtp_with_its_subject_body_and_our_message_id(smtp, mail_sim):
    body = "Pengaduan Anda telah selesai ditangani.\nBeri penilaian: https://palapa.go.id/nilai/CURHAT-7"
    accepted = await smtp.send(mail("warga@contoh.id", mid="notif-42", body=body))
    assert accepted.provider_id == "<notif-42@palapa.go.id>"
    (got,) = await arrived(mail_sim, "warga@contoh.id")
    assert (got["subject"], got["text"].strip(), got["message_id"]) == (
        "Pengaduan CURHAT-7 selesai", body, "<notif-42@palapa.go.id>")
    page = await mail_sim.svc.http.get("/", params={"to": "warga@contoh.id"})
    assert "Pengaduan CURHAT-7 selesai" in page.text


@pytest.mark.parametrize("subject", ["Halo\r\nBcc: semua@contoh.id", "Halo\nX-Injected: 1"])
async def test_a_header_injection_through_the_subject_is_refused_and_nothing_is_sent(smtp, mail_sim, subject):
    with pytest.raises(PermanentFailure, match="line break"):
        await smtp.send(mail("korban@contoh.id", subject=subject))
    assert await arrived(mail_sim, "korban@contoh.id") == [] and await arrived(mail_sim, "semua@contoh.id") == []


@pytest.mark.parametrize("to", ["bukan-alamat", "a@b@c.id", "warga@contoh.id\r\nBcc: x@y.id", "x" * 250 + "@c.id",
                                "Warga <warga@contoh.id>"])
async def test_an_odd_recipient_is_refused_permanently_without_echoing_it(smtp, to):
    with pytest.raises(PermanentFailure) as refused:
        await smtp.send(mail(to))
    assert "@" not in refused.value.reason


async def test_an_oversized_email_is_refused_by_the_server_permanently(smtp, mail_sim):
    with pytest.raises(PermanentFailure, match="email 552"):
        await smtp.send(mail("besar@contoh.id", body="x" * 50_000))
    assert await arrived(mail_sim, "besar@contoh.id") == []


async def test_a_server_that_is_not_there_is_a_temporary_failure():
    channel = EmailChannel(host="127.0.0.1", port=free_port(), sender="noreply@palapa.go.id", timeout_s=2)
    with pytest.raises(TemporaryFailure):
        await channel.send(mail("warga@contoh.id"))


def test_email_has_no_callbacks_to_accept(smtp):
    with pytest.raises(CallbackRefusedError):
        smtp.verify_callback({}, b"{}")
