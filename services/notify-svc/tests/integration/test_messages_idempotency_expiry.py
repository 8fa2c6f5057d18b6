"""An Idempotency-Key is kept 24 hours: a record older than that answers nothing, and expired records are deleted
(once a minute by the API, not by a delete on every request)."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from palapa.notify.messages import keys
from palapa.notify.tables import idempotency_keys

pytestmark = pytest.mark.integration

SEND = {"template_id": "complaint-received", "phone_number": "0812-3333-4444",
        "personalisation": {"ticket": "LAPOR-7", "link": "https://lapor"}}


async def opd_key(api, identity_provider, name: str, opd: str) -> dict[str, str]:
    """The headers of an OPD's app whose API key an SRE just issued."""
    sre = {"Authorization": f"Bearer {await identity_provider.token('sre')}"}
    issued = await api.svc.http.post("/v2/api-keys", json={"name": name, "opd": opd}, headers=sre)
    return {"Authorization": f"ApiKey-v1 {issued.json()['secret']}"}


async def test_an_idempotency_key_older_than_a_day_answers_nothing_and_is_deleted(messages_service, identity_provider):
    api = await messages_service(oidc_issuer=identity_provider.issuer)
    try:
        headers = {**await opd_key(api, identity_provider, "SIMPEG", "bkpsdm"), "Idempotency-Key": "surat-1"}
        first = await api.svc.http.post("/v2/notifications/sms", json=SEND, headers=headers)
        again = await api.svc.http.post("/v2/notifications/sms", json=SEND, headers=headers)
        assert (first.status_code, again.status_code, again.json()["id"]) == (201, 200, first.json()["id"])
        second = {**headers, "Idempotency-Key": "surat-2"}
        assert (await api.svc.http.post("/v2/notifications/sms", json=SEND, headers=second)).status_code == 201
        async with api.tx() as t:  # surat-1 a day and a minute old
            await t.session.execute(update(idempotency_keys).where(idempotency_keys.c.key == "surat-1").values(
                created_at=idempotency_keys.c.created_at - timedelta(hours=24, minutes=1)))
            i = idempotency_keys
            client = await t.session.scalar(select(i.c.client).where(i.c.key == "surat-1"))
            assert await keys.remembered(t.session, client, "surat-1", timedelta(hours=24)) is None
            assert await keys.forget_expired(t.session, timedelta(hours=24)) == 1
            left = (await t.session.execute(select(idempotency_keys.c.key))).scalars().all()
        assert left == ["surat-2"]
    finally:
        await api.close()


async def test_a_key_used_again_after_a_day_sends_a_new_message_and_a_refused_request_leaves_its_key_free(
        messages_service, identity_provider):
    api = await messages_service(oidc_issuer=identity_provider.issuer)
    try:
        headers = {**await opd_key(api, identity_provider, "PBB", "bapenda"), "Idempotency-Key": "tagihan-2026"}
        last_year = await api.svc.http.post("/v2/notifications/sms", json=SEND, headers=headers)
        async with api.tx() as t:  # a year on, the same (deterministic) key
            await t.session.execute(update(idempotency_keys).where(idempotency_keys.c.key == "tagihan-2026").values(
                created_at=idempotency_keys.c.created_at - timedelta(days=365)))
        this_year = await api.svc.http.post("/v2/notifications/sms", json=SEND, headers=headers)
        assert (last_year.status_code, this_year.status_code) == (201, 201)
        assert this_year.json()["id"] != last_year.json()["id"]  # sent again, not the old message answered

        fresh = {**headers, "Idempotency-Key": "tagihan-salah"}
        wrong = await api.svc.http.post("/v2/notifications/sms", json={**SEND, "template_id": "tidak-ada"},
                                        headers=fresh)
        assert (wrong.status_code, wrong.json()["reason"]) == (404, "unknown_template")
        fixed = await api.svc.http.post("/v2/notifications/sms", json=SEND, headers=fresh)
        assert fixed.status_code == 201  # the refused request did not keep the key
    finally:
        await api.close()
