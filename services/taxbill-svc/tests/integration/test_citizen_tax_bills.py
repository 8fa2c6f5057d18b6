"""A signed-in citizen follows PBB bills by NOP (the gate's citizen token, from the testkit's issuer), on the real
broker and PostgreSQL: their list only, any spelling of a NOP, the newest bill when one is known."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import TaxBillIssued
from palapa.kit.signing import generate
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

NOP = "357601000100201231"


async def test_a_citizen_follows_a_nop_and_sees_its_newest_bill_and_no_one_else_sees_their_list(
        http, issuer, producer):
    siti, budi = issuer.headers("warga-siti"), issuer.headers("warga-budi")
    added = await http.post("/citizen/tax-bills", json={"nop": "35.76.010.001.002-0123.1"}, headers=siti)
    assert added.status_code == 201 and added.json()["nop"] == NOP
    again = await http.post("/citizen/tax-bills", json={"nop": NOP}, headers=siti)
    assert again.status_code == 201  # the same NOP twice is one
    listed = (await http.get("/citizen/tax-bills", headers=siti)).json()["items"]
    assert [(i["nop"], i["bill"]) for i in listed] == [(NOP, None)]  # no bill known yet
    assert (await http.get("/citizen/tax-bills", headers=budi)).json() == {"items": []}

    await producer.send(Envelope(TaxBillIssued(nop=NOP, year=2026, amount_due=1_250_000, due_date=date(2026, 8, 31),
                                               paid=False, source_app="cek-pbb", issued_at=datetime.now(UTC)),
                                 source="/apps/cek-pbb", subject=NOP))

    async def billed():
        items = (await http.get("/citizen/tax-bills", headers=siti)).json()["items"]
        return items[0]["bill"]

    bill = await eventually(billed, what="the registered NOP's bill")
    assert bill["amount_due"] == 1_250_000 and bill["paid"] is False and bill["year"] == 2026
    assert (await http.delete(f"/citizen/tax-bills/{NOP}", headers=budi)).status_code == 404  # not theirs
    assert (await http.delete(f"/citizen/tax-bills/{NOP}", headers=siti)).status_code == 200
    assert (await http.get("/citizen/tax-bills", headers=siti)).json() == {"items": []}


async def test_without_a_valid_citizen_token_nothing_is_read_or_registered(http, issuer):
    forged = issuer.headers("warga-siti", key=generate(issuer.key.kid))
    for headers, reason in (({}, "citizen_required"), (forged, "citizen_bad_signature")):
        listing = await http.get("/citizen/tax-bills", headers=headers)
        assert (listing.status_code, listing.json()["reason"]) == (401, reason)
        added = await http.post("/citizen/tax-bills", json={"nop": NOP}, headers=headers)
        assert (added.status_code, added.json()["reason"]) == (401, reason)
    bad = await http.post("/citizen/tax-bills", json={"nop": "abc"}, headers=issuer.headers("warga-siti"))
    assert (bad.status_code, bad.json()["reason"]) == (400, "malformed_nop")
