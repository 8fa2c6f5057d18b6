"""Open311 GeoReport v2 on the real broker and PostgreSQL, read by `georeport`, a client nobody here wrote."""

from __future__ import annotations

import asyncio
from xml.etree import ElementTree

import pytest
from georeport import GeoReport

from palapa.complaint import cli
from palapa.complaint.main import create_app
from palapa.complaint.open311 import apikeys
from palapa.localstack import free_port
from palapa.testkit import eventually, running

pytestmark = pytest.mark.integration

FORM = {"service_code": "jalan-rusak", "lat": "-7.4722", "long": "112.4338",
        "description": "Lubang besar di depan SDN Kranggan 2", "first_name": "Siti", "last_name": "Aminah",
        "email": "siti@example.id", "phone": "081234567890", "attribute[tingkat]": "berat"}


@pytest.fixture
async def served(settings):
    async with running(create_app(settings), port=free_port(), name="complaint-svc") as svc:
        async with svc.runtime.transaction() as tx:
            key = await apikeys.issue(tx.session, "Aplikasi Lapor Warga")
        yield svc, key


async def test_a_request_filed_by_a_client_is_readable_at_once_by_its_key_and_opens_a_case(served):
    svc, key = served
    res = await svc.http.post("/open311/v2/requests.json", data={**FORM, "api_key": key})
    assert res.status_code == 201, res.text
    [created] = res.json()
    ticket, token, mine = created["service_request_id"], created["token"], {"X-Case-Key": created["access_key"]}
    assert ticket.startswith("LAPOR-") and len(created["pin"]) == 6
    # read-your-writes: the id the POST returned reads at once, before the intake opened its case
    at_once = await svc.http.get(f"/open311/v2/requests/{ticket}.json", headers=mine)
    assert at_once.status_code == 200, at_once.text
    assert (at_once.json()[0]["service_request_id"], at_once.json()[0]["status"]) == (ticket, "open")
    for stranger in ({}, {"X-Case-Key": "x" * 43}):  # the id alone, or a wrong key: refused with the reason
        refused = await svc.http.get(f"/open311/v2/requests/{ticket}.json", headers=stranger)
        assert refused.status_code in (401, 403) and refused.json()[0]["description"]

    async def opened():
        r = await svc.http.get(f"/open311/v2/tokens/{token}.json")
        return r.json()[0]["service_request_id"] == ticket

    await eventually(opened, what="the case to open from its own intake event")

    [one] = (await svc.http.get(f"/open311/v2/requests/{ticket}.json", headers=mine)).json()
    assert one["status"] == "open" and one["agency_responsible"] == "DPUPR"
    assert one["service_code"] == "jalan-rusak" and one["expected_datetime"]
    assert one["description"] == FORM["description"] and one["lat"] == -7.4722
    as_xml = await svc.http.get(f"/open311/v2/requests/{ticket}.xml", headers=mine)
    assert ElementTree.fromstring(as_xml.text).find("request/service_request_id").text == ticket
    client = GeoReport(f"{svc.base_url}/open311/v2")
    listed = await asyncio.to_thread(client.get_service_requests, service_code="jalan-rusak", status="open")
    assert [r["service_request_id"] for r in listed] == [ticket]
    # a confidential case in a public list: no description, no place
    assert [(r["description"], r["lat"], r["long"], r["address"]) for r in listed] == [(None, None, None, None)]
    assert await asyncio.to_thread(client.get_service_requests, status="closed") == []
    as_xml = GeoReport(f"{svc.base_url}/open311/v2", output_format="xml")
    services = await asyncio.to_thread(as_xml.get_service_list)
    assert "jalan-rusak" in [s["service_code"] for s in services]
    definition = await asyncio.to_thread(client.get_service_definition, "jalan-rusak")
    assert definition["attributes"][0]["code"] == "tingkat"

    body = (await svc.http.get("/open311/v2/requests.json", params={"service_request_id": ticket})).text
    for private in ("Siti", "Aminah", "siti@example.id", "081234567890", "Lubang", "-7.47", created["access_key"]):
        assert private not in body


async def test_refusals_use_the_standard_error_list_in_the_requested_format(served):
    svc, key = served
    bad_key = await svc.http.post("/open311/v2/requests.xml", data={**FORM, "api_key": "plp_wrong"})
    assert bad_key.status_code == 403
    error = ElementTree.fromstring(bad_key.text).find("error")
    assert error.find("code").text == "403" and "api_key" in error.find("description").text

    no_place = await svc.http.post("/open311/v2/requests.json", data={**FORM, "lat": "", "long": "", "api_key": key})
    assert no_place.status_code == 400 and no_place.json()[0]["code"] == 400

    assert (await svc.http.get("/open311/v2/requests/LAPOR-TIDAKADA.json")).status_code == 401  # a key first
    assert (await svc.http.get("/open311/v2/services/tidak-ada.xml")).status_code == 404
    assert (await svc.http.get("/open311/v2/tokens/../x.json")).status_code == 404
    assert (await svc.http.get("/open311/v2/requests.json", params={"start_date": "kemarin"})).status_code == 400
    huge = await svc.http.post("/open311/v2/requests.json", data={**FORM, "api_key": key, "description": "x" * 70_000})
    assert huge.status_code == 413
    as_json = await svc.http.post("/open311/v2/requests.json", json={**FORM, "api_key": key})
    assert as_json.status_code == 400


async def test_a_revoked_key_is_refused(served, settings, monkeypatch, capsys):
    svc, _ = served
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert await asyncio.to_thread(cli.main, ["api-key", "issue", "Klien Uji"]) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert (await svc.http.post("/open311/v2/requests.json", data={**FORM, "api_key": key})).status_code == 201
    assert await asyncio.to_thread(cli.main, ["api-key", "revoke", "Klien Uji"]) == 0
    assert (await svc.http.post("/open311/v2/requests.json", data={**FORM, "api_key": key})).status_code == 403


async def filed(svc) -> int:
    from sqlalchemy import func, select

    from palapa.complaint.tables import submissions

    async with svc.runtime.sessions() as session:
        return await session.scalar(select(func.count()).select_from(submissions))


async def test_an_opd_client_files_with_its_bearer_token_its_opd_recorded_and_on_the_audit_log(served,
                                                                                              identity_provider):
    svc, _ = served
    bearer = {"Authorization": f"Bearer {await identity_provider.client_token('open311-dishub')}"}
    res = await svc.http.post("/open311/v2/requests.json", data=FORM, headers=bearer)  # no api_key in the form
    assert res.status_code == 201, res.text
    ticket = res.json()[0]["service_request_id"]
    from sqlalchemy import select

    from palapa.complaint.tables import submissions

    async with svc.runtime.sessions() as session:
        client = await session.scalar(select(submissions.c.client).where(submissions.c.ticket == ticket))
    assert client.endswith("@DISHUB") and "open311-dishub" in client
    desk = {"Authorization": f"Bearer {await identity_provider.token('desk')}"}
    [record] = (await svc.http.get("/audit", params={"object_id": ticket}, headers=desk)).json()["items"]
    assert record["action"] == "open311.request.create" and record["actor_kind"] == "client"
    assert record["actor_opds"] == ["DISHUB"] and record["after"]["client"] == client


async def test_a_bearer_on_open311_that_does_not_hold_is_refused_with_its_reason_and_files_nothing(
        served, identity_provider):
    import time

    from joserfc import jwt
    from joserfc.jwk import RSAKey

    svc, key = served
    now = int(time.time())
    forged = jwt.encode({"alg": "RS256"}, {"iss": identity_provider.issuer, "aud": "palapa", "exp": now + 600,
                                           "sub": "service-account-open311-dishub", "client_id": "open311-dishub",
                                           "realm_access": {"roles": ["opd-api-client"]}, "groups": ["/opd/DISHUB"]},
                        RSAKey.generate_key(2048))
    elsewhere = await identity_provider.token("open311-dishub", client_id="aplikasi-lain")
    officer = await identity_provider.token("dishub")  # a person, not an OPD's API client
    before = await filed(svc)
    for token, status, reason in ((forged, 401, "bad_signature"), (elsewhere, 401, "wrong_audience"),
                                  (officer, 403, "role_missing")):
        # a valid api_key beside it changes nothing: a token that is sent must hold
        res = await svc.http.post("/open311/v2/requests.json", data={**FORM, "api_key": key},
                                  headers={"Authorization": f"Bearer {token}"})
        assert (res.status_code, res.json()["reason"]) == (status, reason), res.text
        assert res.json()["detail"] and res.headers["WWW-Authenticate"].startswith('Bearer realm="palapa"')
    basic = await svc.http.post("/open311/v2/requests.json", data=FORM, headers={"Authorization": "Basic eDp4"})
    assert (basic.status_code, basic.json()["reason"]) == (401, "token_malformed")
    # an API client of no OPD: the role, but nobody to answer for its reports
    await identity_provider.set_user("service-account-tanpa-opd", {
        "sub": "service-account-tanpa-opd", "client_id": "tanpa-opd", "realm_access": {"roles": ["opd-api-client"]}})
    orphan = await identity_provider.token("service-account-tanpa-opd")
    res = await svc.http.post("/open311/v2/requests.json", data=FORM, headers={"Authorization": f"Bearer {orphan}"})
    assert res.status_code == 403 and "OPD" in res.json()[0]["description"]
    assert await filed(svc) == before
