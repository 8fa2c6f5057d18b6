"""The attacker's table for citizens' cases (issue 20), on the real broker and PostgreSQL with complaint-svc and
notify-svc running: enumerating tickets, reading another case (its view, its Open311 view, its stream), rating
someone else's case, brute-forcing a PIN, and looking for a capability in listings, events and logs. Every attempt
is a 4xx with a reason and leaks nothing; the holder of the link, and staff, still read."""

from __future__ import annotations

import logging
import uuid

import pytest

from palapa.complaint.cases import keys
from palapa.complaint.main import create_app as complaint_app
from palapa.complaint.settings import ComplaintSettings
from palapa.localstack import free_port
from palapa.notify.main import create_app as notify_app
from palapa.notify.settings import NotifySettings
from palapa.testkit import eventually, running
from palapa.testkit.sse import open_stream

pytestmark = pytest.mark.integration
FORM = {"kategori": "jalan-rusak", "uraian": "Lubang besar di depan rumah saya, Jl. Kenanga 7, mohon diperbaiki",
        "kelurahan": "Kranggan", "anonim": True}
KEY = "X-Case-Key"


@pytest.fixture
async def services(kafka_bootstrap, database_url, identity_provider):
    common = dict(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu",
                  OIDC_ISSUER=identity_provider.issuer)
    async with running(complaint_app(ComplaintSettings(**common)), name="complaint-svc") as complaint, \
            running(notify_app(NotifySettings(**common, http_port=free_port())), port=free_port()) as notify:
        yield complaint, notify


async def file(complaint) -> tuple[str, str, str]:
    """A complaint filed on the form: (ticket, capability, PIN) as the receipt gives them."""
    res = await complaint.http.post("/complaints", json=FORM, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert res.status_code == 201, res.text
    body = res.json()
    return body["ticket"], body["link"].split("&kunci=")[1], body["pin"]


async def followable(notify, ticket: str, capability: str) -> None:
    async def there():
        return (await notify.http.get(f"/tickets/{ticket}", headers={KEY: capability})).status_code == 200

    await eventually(there, what=f"{ticket} at notify-svc")


def reason(res) -> tuple[int, str]:
    body = res.json()
    if isinstance(body, list):  # Open311's error list: the description is the reason
        return res.status_code, "open311:" + str(res.status_code)
    assert body.get("detail"), body
    return res.status_code, body["reason"]


async def test_enumerating_tickets_reads_nothing_and_every_answer_is_the_same(services):
    complaint, notify = services
    mine, capability, _ = await file(complaint)
    await followable(notify, mine, capability)
    guesses = [mine, *(f"CURHAT-{n}" for n in range(1, 6)), "LAPOR-AAAA-BBBB-CCCC-DDDD"]
    answers = set()
    for ticket in guesses:
        for http, path in ((complaint.http, f"/complaints/{ticket}"),
                           (complaint.http, f"/open311/v2/requests/{ticket}.json"),
                           (notify.http, f"/tickets/{ticket}"), (notify.http, f"/tickets/{ticket}/events")):
            res = await http.get(path)
            answers.add((path.replace(ticket, "{t}"), res.status_code, res.text))
    # one answer per route, whichever ticket: nothing says which exist
    assert {(p, s) for p, s, _ in answers} == {
        ("/complaints/{t}", 401), ("/open311/v2/requests/{t}.json", 401), ("/tickets/{t}", 401),
        ("/tickets/{t}/events", 401)}
    assert len(answers) == 4 and not any("Lubang" in text for _, _, text in answers)


async def test_one_cases_key_opens_no_other_case_its_stream_or_its_rating(services):
    complaint, notify = services
    a, key_a, _ = await file(complaint)
    b, key_b, _ = await file(complaint)
    await followable(notify, b, key_b)
    stolen = {KEY: key_a}
    refused = [reason(await complaint.http.get(f"/complaints/{b}", headers=stolen)),
               reason(await complaint.http.post(f"/complaints/{b}/rating", json={"stars": 1}, headers=stolen)),
               reason(await notify.http.get(f"/tickets/{b}", headers=stolen)),
               reason(await notify.http.get(f"/tickets/{b}/events", headers=stolen))]
    assert refused == [(403, "wrong_key")] * 4
    open311 = await complaint.http.get(f"/open311/v2/requests/{b}.json", headers=stolen)
    assert open311.status_code == 403 and "Lubang" not in open311.text
    async with open_stream(notify.http, f"/tickets/{b}/events", headers={KEY: key_b}) as stream:  # its own key
        assert (await stream.next_event(timeout=20)).json()["ticket"] == b


async def test_a_pin_cannot_be_brute_forced(services):
    complaint, _ = services
    ticket, capability, pin = await file(complaint)
    tries = [f"{n:06d}" for n in range(12) if f"{n:06d}" != pin][:keys.MAX_PIN_TRIES + 1]
    answers = [reason(await complaint.http.post(f"/complaints/{ticket}/access", json={"pin": p})) for p in tries]
    # the fifth wrong PIN locks it (and says so), the sixth finds it locked
    assert answers == [(403, "wrong_pin")] * (keys.MAX_PIN_TRIES - 1) + [(429, "pin_locked")] * 2
    late = await complaint.http.post(f"/complaints/{ticket}/access", json={"pin": pin})
    assert reason(late) == (429, "pin_locked") and "read_token" not in late.text
    for bad in ("12345", "1234567", "abcdef", "１２３４５６"):  # never a 500, never a token
        res = await complaint.http.post(f"/complaints/{ticket}/access", json={"pin": bad})
        assert res.status_code in (403, 422, 429) and "read_token" not in res.text


async def test_a_capability_is_in_no_listing_event_or_log_line(services, caplog):
    caplog.set_level(logging.DEBUG)
    complaint, notify = services
    ticket, capability, pin = await file(complaint)
    await followable(notify, ticket, capability)
    await complaint.http.get(f"/complaints/{ticket}", headers={KEY: capability})
    forged = {"Authorization": "Bearer x"}  # a bad staff token on a public route is ignored, never a 500
    listings = [(await complaint.http.get("/complaints")).text,
                (await complaint.http.get("/complaints", headers=forged)).text,
                (await complaint.http.get("/open311/v2/requests.json")).text,
                (await complaint.http.get("/open311/v2/requests.json", params={"service_request_id": ticket})).text]
    for text in listings:
        assert capability not in text and "Lubang" not in text and "Kenanga" not in text
    assert '"kelurahan":null' in listings[0].replace(" ", "")  # an anonymous case: not even where
    assert capability not in caplog.text and f"kunci={capability}" not in caplog.text


async def test_staff_with_a_role_keep_reading_and_the_holder_reads_in_full(services, identity_provider):
    complaint, notify = services
    ticket, capability, _ = await file(complaint)
    await followable(notify, ticket, capability)
    desk = {"Authorization": f"Bearer {await identity_provider.token('desk')}"}
    assert (await complaint.http.get(f"/complaints/{ticket}", headers=desk)).status_code == 200
    assert (await notify.http.get(f"/tickets/{ticket}", headers=desk)).status_code == 200
    mine = (await complaint.http.get(f"/complaints/{ticket}", headers={KEY: capability})).json()
    assert "Kenanga" in mine["description"] and "reporter" not in mine
