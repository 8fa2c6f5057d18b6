"""Bill events on the real broker → the citizen's look-up by NOP (any spelling) and year; refusals with a reason."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import TaxBillChanged, TaxBillIssued, TaxBillPaid
from palapa.taxbill.main import create_app
from palapa.taxbill.settings import TaxBillSettings
from palapa.testkit import eventually, running

pytestmark = pytest.mark.integration

NOP = "357601000100201230"
AT = datetime(2026, 11, 25, 17, tzinfo=UTC)


def env(event) -> Envelope:
    return Envelope(event, source="/apps/cek-pbb", subject=event.nop)


@pytest.fixture
async def taxbill(kafka_bootstrap, database_url):
    settings = TaxBillSettings(
        KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu"
    )
    async with running(create_app(settings), name="taxbill-svc") as svc:
        yield svc


async def test_a_citizen_finds_a_bill_by_nop_in_any_spelling_and_year_with_amount_due_date_and_payment(
    taxbill, producer
):
    for year, amount in ((2025, 1_100_000), (2026, 1_250_000)):
        await producer.send(env(TaxBillIssued(nop=NOP, year=year, amount_due=amount, due_date=date(year, 8, 31),
                                              paid=year == 2025, source_app="cek-pbb", issued_at=AT)))
    await producer.send(env(TaxBillChanged(nop=NOP, year=2026, amount_due=1_300_000, due_date=date(2026, 8, 31),
                                           source_app="cek-pbb", changed=("amount_due",), changed_at=AT)))

    async def amount():
        r = await taxbill.http.get("/tax-bills/35.76.010.001.002-0123.0", params={"year": "2026"})
        return r.status_code == 200 and r.json()["amount_due"] == 1_300_000

    await eventually(amount, what="the changed amount")
    for spelling in (NOP, "35 76 010 001 002 0123 0", "35.76.010.001.002-0123.0"):
        body = (await taxbill.http.get(f"/tax-bills/{spelling}", params={"year": 2026})).json()
        assert body == {"nop": NOP, "nop_formatted": "35.76.010.001.002-0123.0", "year": 2026, "amount_due": 1_300_000,
                        "due_date": "2026-08-31", "paid": False, "status_label": "Belum lunas", "paid_at": None,
                        "updated_at": body["updated_at"]}
    assert (await taxbill.http.get(f"/tax-bills/{NOP}", params={"year": 2025})).json()["paid"] is True
    assert (await taxbill.http.get(f"/tax-bills/{NOP}")).json()["year"] == 2026  # the newest year by default

    await producer.send(env(TaxBillPaid(nop=NOP, year=2026, amount_paid=1_300_000, source_app="cek-pbb", paid_at=AT)))

    async def paid():
        body = (await taxbill.http.get(f"/tax-bills/{NOP}", params={"year": 2026})).json()
        return body["paid"] and body["status_label"] == "Lunas" and body["paid_at"] == "2026-11-25T17:00:00Z"

    await eventually(paid, what="the payment")


async def test_a_bad_nop_or_year_is_a_400_and_an_unknown_bill_a_404_each_with_a_reason_in_bahasa_indonesia(taxbill):
    for bad in ("35.76.010", "3576010001002012300", "%00", "35.76.O10.001.002-0123.0", "٣٥٧٦٠١٠٠٠١٠٠٢٠١٢٣٠"):
        r = await taxbill.http.get(f"/tax-bills/{bad}", params={"year": 2026})
        assert r.status_code == 400 and r.json()["reason"] == "malformed_nop"
        assert "NOP tidak valid" in r.json()["detail"]
    for year in ("26", "abcd", "99999", "-2026", "٢٠٢٦", "1800"):
        r = await taxbill.http.get(f"/tax-bills/{NOP}", params={"year": year})
        assert r.status_code == 400 and r.json()["reason"] == "malformed_year", year
    r = await taxbill.http.get(f"/tax-bills/{NOP}", params={"year": 2030})
    assert r.status_code == 404 and r.json() == {
        "reason": "unknown_bill", "detail": "Tagihan PBB untuk NOP 35.76.010.001.002-0123.0 tahun 2030 tidak ditemukan"}
