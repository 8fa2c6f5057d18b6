"""The simulators answer odd requests as the real APIs do, with an error in their shape, never a 500."""

import hashlib
import json
import time

import pytest

from palapa.provider_sims import sms, whatsapp
from palapa.provider_sims.settings import SmsSimSettings, WhatsAppSimSettings
from palapa.testkit import running

ODD = [b"", b"null", b"[]", b'"x"', b"{", json.dumps({"messaging_product": "whatsapp"}).encode(),
       json.dumps({"messaging_product": "whatsapp", "to": ["+62812"], "type": "text"}).encode(),
       json.dumps({"messaging_product": "whatsapp", "to": "+62812345678", "type": "template",
                   "template": {"name": "kode_otp", "language": "id", "components": "body"}}).encode(),
       json.dumps({"messaging_product": "whatsapp", "to": "+62812345678", "type": "template",
                   "template": {"name": "kode_otp", "language": {"code": "id"},
                                "components": [{"type": "body", "parameters": {"a": 1}}]}}).encode(),
       json.dumps({"messaging_product": "whatsapp", "to": "+62812345678", "type": ["text"], "text": "hai"}).encode(),
       json.dumps({"messaging_product": "whatsapp", "to": "+62" + "9" * 400, "type": "text"}).encode(),
       json.dumps({"msisdn": 62812, "message": {"a": 1}, "ref_id": ["x"]}).encode(),
       json.dumps({"msisdn": "62812345678", "message": "x" * 2000}).encode()]


@pytest.mark.parametrize("body", ODD)
async def test_whatsapp_answers_odd_requests_with_its_error_shape(body):
    settings = WhatsAppSimSettings(webhook_url=None)
    async with running(whatsapp.create_app(settings), name="sim-whatsapp") as svc:
        answer = await svc.http.post(f"/v21.0/{settings.phone_number_id}/messages", content=body,
                                     headers={"Authorization": "Bearer sim-whatsapp-token"})
    assert 400 <= answer.status_code < 500 and "error" in answer.json()


@pytest.mark.parametrize("body", ODD)
async def test_the_sms_gateway_answers_odd_requests_with_its_error_shape(body):
    settings = SmsSimSettings(webhook_url=None)
    ts = str(int(time.time()))
    headers = {"X-API-Key": settings.api_key, "X-Timestamp": ts, "X-Signature": hashlib.sha256(
        f"{settings.api_key}{settings.api_secret.get_secret_value()}{ts}".encode()).hexdigest()}
    async with running(sms.create_app(settings), name="sim-sms") as svc:
        answer = await svc.http.post("/api/sms/send", content=body, headers=headers)
    assert 400 <= answer.status_code < 500 and answer.json()["status"] != 0
