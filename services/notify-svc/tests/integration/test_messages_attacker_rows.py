"""The issue's attacker's table, the rows test_messages_api.py leaves: an odd or oversized e-mail recipient, a STOP
lifted by a forged START callback, a forged status callback for another citizen's message."""

import json

import pytest

pytestmark = pytest.mark.integration

SEND = {"template_id": "complaint-received", "personalisation": {"ticket": "LAPOR-9", "link": "https://lapor"}}


@pytest.fixture
async def api(messages_service, identity_provider):
    harness = await messages_service(oidc_issuer=identity_provider.issuer)
    sre = {"Authorization": f"Bearer {await identity_provider.token('sre')}"}
    desk = {"Authorization": f"Bearer {await identity_provider.token('desk')}"}
    issued = await harness.svc.http.post("/v2/api-keys", json={"name": "SIMPEG", "opd": "bkpsdm"}, headers=sre)
    harness.key = {"Authorization": f"ApiKey-v1 {issued.json()['secret']}"}
    harness.desk = desk
    yield harness
    await harness.close()


@pytest.mark.parametrize("address", ["warga@", "a@b", "warga@contoh.id\r\nBcc: semua@kota.id", "x" * 250 + "@a.id",
                                     "<warga@contoh.id>", "warga@contoh.id, lain@contoh.id"])
async def test_an_odd_or_oversized_email_recipient_is_refused_without_repeating_it(api, address):
    res = await api.svc.http.post("/v2/notifications/email", json={**SEND, "email_address": address},
                                  headers=api.key)
    assert res.status_code == 422 and res.json()["reason"] in ("bad_email", "invalid_request"), res.text
    assert address not in res.text
    assert api.email.sent == []


async def test_a_forged_start_callback_does_not_lift_a_stop(api):
    stop = {"channel": "whatsapp", "address": "0812-4444-5555", "allowed": False}
    assert (await api.svc.http.put("/v2/preferences", json=stop, headers=api.desk)).status_code == 200
    forged = json.dumps({"statuses": [], "inbound": [["0812-4444-5555", "START"]]}).encode()
    res = await api.svc.http.post("/v2/callbacks/whatsapp", content=forged, headers={"X-Signature": "forged"})
    assert (res.status_code, res.json()["reason"]) == (401, "callback_refused")
    sent = await api.svc.http.post("/v2/notifications/whatsapp", json={**SEND, "phone_number": "0812-4444-5555"},
                                   headers=api.key)
    assert (sent.json()["status"], sent.json()["failure_reason"]) == ("failed", "opted_out")


async def test_a_forged_status_callback_cannot_mark_another_citizens_message_delivered(api):
    sent = await api.svc.http.post("/v2/notifications/sms", json={**SEND, "phone_number": "0812-6666-7777"},
                                   headers=api.key)
    message_id = sent.json()["id"]
    forged = json.dumps({"statuses": [[f"sms-{message_id}", "read", None]], "inbound": []}).encode()
    res = await api.svc.http.post("/v2/callbacks/sms", content=forged, headers={"X-Signature": "nope"})
    assert (res.status_code, res.json()["reason"]) == (401, "callback_refused")
    read = await api.svc.http.get(f"/v2/notifications/{message_id}", headers=api.key)
    assert read.json()["status"] != "read"
