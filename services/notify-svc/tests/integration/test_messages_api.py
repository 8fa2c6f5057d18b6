"""The notifications API (GOV.UK Notify's shape) and the staff routes of messages, as an attacker would try them."""

import asyncio

import pytest

from palapa.testkit import eventually

pytestmark = pytest.mark.integration

SEND = {"template_id": "complaint-received", "phone_number": "0812-7777-8888",
        "personalisation": {"ticket": "LAPOR-5", "link": "https://lapor/?tiket=LAPOR-5"}, "reference": "surat-12"}


@pytest.fixture
async def api(messages_service, identity_provider):
    harness = await messages_service(oidc_issuer=identity_provider.issuer)
    tokens = {who: await identity_provider.token(who) for who in ("sre", "desk", "dishub", "open311-dishub")}
    harness.auth = {who: {"Authorization": f"Bearer {t}"} for who, t in tokens.items()}
    yield harness
    await harness.close()


async def key(api, test=False) -> dict:
    res = await api.svc.http.post("/v2/api-keys", json={"name": "SIMPEG", "opd": "bkpsdm", "test": test},
                                  headers=api.auth["sre"])
    assert res.status_code == 201, res.text
    return {"Authorization": f"ApiKey-v1 {res.json()['secret']}"}


async def test_an_opd_key_sends_a_notification_and_reads_its_status(api):
    headers = await key(api)
    res = await api.svc.http.post("/v2/notifications/whatsapp", json=SEND, headers=headers)
    assert res.status_code == 201, res.text
    sent = res.json()
    assert (sent["status"], sent["reference"], sent["template"]["version"]) == ("queued", "surat-12", 1)
    assert "0812" not in res.text and "+62" not in res.text
    await eventually(lambda: api.whatsapp.sent, what="the message at the provider")
    read = (await api.svc.http.get(f"/v2/notifications/{sent['id']}", headers=headers)).json()
    assert read["status"] == "sent" and [h["status"] for h in read["history"]] == ["queued", "sending", "sent"]
    other = await key(api)
    assert (await api.svc.http.get(f"/v2/notifications/{sent['id']}", headers=other)).status_code == 404


async def test_an_opd_client_token_may_send_and_an_officer_or_nobody_may_not(api):
    post = api.svc.http.post
    assert (await post("/v2/notifications/sms", json=SEND, headers=api.auth["open311-dishub"])).status_code == 201
    officer = await post("/v2/notifications/sms", json=SEND, headers=api.auth["dishub"])
    assert (officer.status_code, officer.json()["reason"]) == (403, "role_missing")
    nobody = await post("/v2/notifications/sms", json=SEND)
    assert (nobody.status_code, nobody.json()["reason"]) == (401, "credentials_missing")
    forged = await post("/v2/notifications/sms", json=SEND, headers={"Authorization": "ApiKey-v1 palapa_live_x"})
    assert (forged.status_code, forged.json()["reason"]) == (401, "api_key_invalid")


async def test_the_same_idempotency_key_sends_once_and_a_different_body_under_it_is_refused(api):
    headers = {**await key(api), "Idempotency-Key": "kirim-001"}
    first = await api.svc.http.post("/v2/notifications/sms", json=SEND, headers=headers)
    again = await api.svc.http.post("/v2/notifications/sms", json=SEND, headers=headers)
    assert (first.status_code, again.status_code, again.json()["id"]) == (201, 200, first.json()["id"])
    changed = await api.svc.http.post("/v2/notifications/sms", json={**SEND, "reference": "lain"}, headers=headers)
    assert (changed.status_code, changed.json()["reason"]) == (422, "idempotency_key_reused")
    racing = {**headers, "Idempotency-Key": "kirim-002"}
    one, two = await asyncio.gather(*(api.svc.http.post("/v2/notifications/sms", json={**SEND, "reference": r},
                                                        headers=racing) for r in ("a", "b")))
    assert sorted((one.status_code, two.status_code)) == [201, 422]
    await eventually(lambda: len(api.sms.sent) == 2, what="one SMS per key")
    assert len({m.message_id for m in api.sms.sent}) == 2


@pytest.mark.parametrize(("personalisation", "reason"), [
    ({"ticket": "LAPOR-5\nKlik http://jahat", "link": "x"}, "bad_personalisation"),
    ({"ticket": "LAPOR-5"}, "missing_field"),
    ({"ticket": "LAPOR-5", "link": "x", "code": "123456"}, "unknown_field"),
    ({"ticket": "x" * 301, "link": "x"}, "bad_personalisation"),
])
async def test_forged_personalisation_is_refused_with_its_reason(api, personalisation, reason):
    res = await api.svc.http.post("/v2/notifications/sms", json={**SEND, "personalisation": personalisation},
                                  headers=await key(api))
    assert (res.status_code, res.json()["reason"]) == (422, reason)


async def test_a_placeholder_in_personalisation_is_sent_as_typed(api):
    values = {"ticket": "((link))", "link": "https://lapor"}
    res = await api.svc.http.post("/v2/notifications/sms", json={**SEND, "personalisation": values},
                                  headers=await key(api))
    assert res.json()["content"]["body"].startswith("Aduan Anda diterima dengan nomor tiket ((link)).")


@pytest.mark.parametrize("phone", ["+62 812", "0812345678901234567890", "08123\u202e4567890", "'; DROP TABLE x;--",
                                   "+1" + "9" * 30])
async def test_an_oversized_or_odd_recipient_is_refused(api, phone):
    res = await api.svc.http.post("/v2/notifications/sms", json={**SEND, "phone_number": phone},
                                  headers=await key(api))
    assert res.status_code == 422 and res.json()["reason"] in ("bad_phone", "invalid_request")
    assert phone not in res.text


async def test_a_test_key_never_reaches_a_live_provider(api):
    res = await api.svc.http.post("/v2/notifications/sms", json=SEND, headers=await key(api, test=True))
    sent = res.json()
    read = await eventually(lambda: _status(api, sent["id"], "failed"), what="the test message settled")
    assert read["failure_reason"] == "no test channel sms configured" and api.sms.sent == []


async def _status(api, message_id, wanted):
    async with api.tx() as t:
        from palapa.notify.messages import queue
        row = await queue.by_id(t.session, message_id)
    return {"failure_reason": row.error} if row.status == wanted else None


async def test_a_stop_cannot_be_lifted_by_staff_or_by_an_api_caller(api):
    put = api.svc.http.put
    stop = {"channel": "sms", "address": "0812-7777-8888", "allowed": False}
    assert (await put("/v2/preferences", json=stop, headers=api.auth["desk"])).status_code == 200
    lift = await put("/v2/preferences", json={**stop, "allowed": True}, headers=api.auth["desk"])
    assert (lift.status_code, lift.json()["reason"]) == (409, "opted_out")
    res = await api.svc.http.post("/v2/notifications/sms", json=SEND, headers=await key(api))
    assert (res.json()["status"], res.json()["failure_reason"]) == ("failed", "opted_out")


async def test_templates_are_versioned_previewed_and_refused_with_an_undeclared_field(api):
    desk, http = api.auth["desk"], api.svc.http
    broken = {"kind": "opd_message", "fields": ["nama"], "texts": {"id": {"body": "Halo ((nama)), ((nik))"}}}
    res = await http.put("/v2/templates/pengumuman", json=broken, headers=desk)
    assert (res.status_code, res.json()["reason"]) == (422, "undeclared_field")
    good = {"kind": "opd_message", "fields": ["nama"], "texts": {"id": {"body": "Halo ((nama))"},
                                                                  "en": {"body": "Hello ((nama))"}}}
    assert (await http.put("/v2/templates/pengumuman", json=good, headers=desk)).json()["version"] == 1
    assert (await http.put("/v2/templates/pengumuman", json=good, headers=desk)).json()["version"] == 2
    shown = await http.post("/v2/templates/pengumuman/preview", json={"personalisation": {"nama": "Sri"},
                                                                      "language": "en"}, headers=desk)
    assert shown.json()["body"] == "Hello Sri"
    officer = await http.put("/v2/templates/pengumuman", json=good, headers=api.auth["dishub"])
    assert officer.status_code == 403


async def test_escalation_recipients_are_edited_by_the_desk_audited_and_never_listed_with_their_address(api):
    http, desk = api.svc.http, api.auth["desk"]
    body = {"level": "sekda", "name": "Sekretaris Daerah", "channel": "whatsapp", "address": "081399990000"}
    added = await http.post("/v2/recipients", json=body, headers=desk)
    assert added.status_code == 201, added.text
    listed = await http.get("/v2/recipients", headers=desk)
    assert listed.json()[0]["name"] == "Sekretaris Daerah" and "0813" not in listed.text
    assert (await http.post("/v2/recipients", json=body, headers=api.auth["dishub"])).status_code == 403


async def test_an_unsigned_callback_is_refused_with_its_reason(api):
    res = await api.svc.http.post("/v2/callbacks/whatsapp", content=b'{"statuses": []}')
    assert (res.status_code, res.json()["reason"]) == (401, "callback_refused")


async def test_an_opt_out_cannot_be_bypassed_through_a_critical_template(api):
    headers, post = await key(api), api.svc.http.post
    ambulance = {**SEND, "template_id": "ambulance-dispatched", "personalisation": {"ticket": "Promo!", "link": "x"}}
    res = await post("/v2/notifications/sms", json=ambulance, headers=headers)
    assert (res.status_code, res.json()["reason"]) == (403, "critical_template")
    code = {**SEND, "template_id": "one-time-code", "personalisation": {"code": "Promo! Klik http://x"}}
    res = await post("/v2/notifications/sms", json=code, headers=headers)
    assert (res.status_code, res.json()["reason"]) == (422, "bad_code")
    res = await post("/v2/notifications/sms", json={**code, "personalisation": {"code": "482913"}}, headers=headers)
    assert (res.status_code, res.json()["status"]) == (201, "queued")
