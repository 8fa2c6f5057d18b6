"""A case filed without an account is its reporter's by its private link or its ticket + PIN (issue 20), on the real
broker and PostgreSQL: the PIN buys a short-lived read token, five wrong PINs lock it, and neither the link nor the
PIN is stored, published or logged."""

from __future__ import annotations

import logging
import uuid

import pytest
from sqlalchemy import select

from palapa.complaint import tables
from palapa.complaint.cases import keys
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

FORM = {"kategori": "jalan-rusak", "uraian": "Lubang besar di depan SDN Kranggan 2, membahayakan pengendara",
        "kelurahan": "Kranggan", "anonim": True}


async def file(service) -> tuple[str, str, str]:
    res = await service.http.post("/complaints", json=FORM, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert res.status_code == 201, res.text
    body = res.json()
    return body["ticket"], body["link"].split("&kunci=")[1], body["pin"]


def wrong(pin: str) -> str:
    return f"{(int(pin) + 1) % 1_000_000:06d}"


async def test_the_ticket_and_its_pin_buy_a_read_token_that_opens_the_case_and_nothing_else(service):
    ticket, _, pin = await file(service)
    other, _, _ = await file(service)
    res = await service.http.post(f"/complaints/{ticket}/access", json={"pin": pin})
    assert res.status_code == 200, res.text
    token = {"X-Case-Key": res.json()["read_token"]}
    assert res.headers["Cache-Control"] == "no-store"

    async def opened():
        r = await service.http.get(f"/complaints/{ticket}", headers=token)
        return r.status_code == 200 and r.json()

    case = await eventually(opened, what="the case, read with the PIN's token")
    assert case["description"].startswith("Lubang besar") and "reporter" not in case
    res = await service.http.get(f"/complaints/{other}", headers=token)  # another case: the token is this one's
    assert (res.status_code, res.json()["reason"]) == (403, "wrong_key")


async def test_five_wrong_pins_lock_the_pin_and_an_unknown_ticket_answers_the_same(service):
    ticket, capability, pin = await file(service)
    for _ in range(keys.MAX_PIN_TRIES - 1):
        res = await service.http.post(f"/complaints/{ticket}/access", json={"pin": wrong(pin)})
        assert (res.status_code, res.json()["reason"]) == (403, "wrong_pin")
    unknown = await service.http.post("/complaints/LAPOR-AAAA-BBBB-CCCC-DDDD/access", json={"pin": pin})
    assert (unknown.status_code, unknown.json()) == (403, res.json())  # nothing says whether the ticket exists
    res = await service.http.post(f"/complaints/{ticket}/access", json={"pin": wrong(pin)})
    assert (res.status_code, res.json()["reason"]) == (429, "pin_locked")
    assert 0 < int(res.headers["Retry-After"]) <= keys.PIN_LOCK.total_seconds()
    res = await service.http.post(f"/complaints/{ticket}/access", json={"pin": pin})  # the right one, too late
    assert (res.status_code, res.json()["reason"]) == (429, "pin_locked")
    res = await service.http.get(f"/complaints/{ticket}", headers={"X-Case-Key": capability})
    assert res.status_code in (200, 404)  # the link still opens it (404 only until the intake opens the case)


async def test_neither_link_nor_pin_is_stored_published_or_logged(service, caplog):
    caplog.set_level(logging.DEBUG)
    ticket, capability, pin = await file(service)
    await eventually(lambda: service.updates.revisions(ticket), what="the case's first update")
    await service.http.get(f"/complaints/{ticket}", headers={"X-Case-Key": capability})
    await service.http.post(f"/complaints/{ticket}/access", json={"pin": pin})
    async with service.runtime.sessions() as s:
        stored = [str(row) for t in (tables.case_keys, tables.submissions, tables.cases)
                  for row in (await s.execute(select(t))).all()]
    published = [e.data.model_dump_json() for e in service.updates.seen]
    assert capability not in "".join(stored + published) and f"'{pin}'" not in "".join(stored)
    assert capability not in caplog.text
    [first] = [e.data for e in service.updates.seen if e.data.ticket == ticket]
    assert first.access_hash is not None and len(first.access_hash) == 64  # notify-svc's check: the digest only
    listing = (await service.http.get("/complaints", headers=service.desk)).text
    assert capability not in listing and pin not in listing.replace(ticket, "")
