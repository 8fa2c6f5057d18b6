"""The fast rendering of tax-bill events is what the contract models would write, and parses as their envelope."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

from palapa.bridge_pbb.render import Renderer, iso
from palapa.contracts.envelope import Envelope, from_kafka
from palapa.contracts.events import TaxBillChanged, TaxBillIssued, TaxBillPaid

AT = datetime(2026, 11, 25, 17, 0, 0, 123000, tzinfo=UTC)
NOP = "357601000100201230"


def same_as_contract(row: dict, event) -> None:
    parsed = from_kafka(row["key"], row["value"], row["headers"])
    assert parsed.data == event
    expected = Envelope(event, source="/apps/cek-pbb", subject=NOP, id=row["event_id"], time=AT)
    assert (row["key"], row["value"], row["headers"]) == expected.to_kafka()
    assert row["topic"] == "palapa.tax.bills.v1"
    assert json.loads(row["headers_json"]) == row["headers"]
    assert uuid.UUID(row["event_id"]).version == 4 and str(uuid.UUID(row["event_id"])) == row["event_id"]


def test_issued_changed_and_paid_rows_are_byte_for_byte_the_contract_models():
    r = Renderer("cek-pbb", {})
    at, ce_time = iso(AT), AT.isoformat()
    same_as_contract(r.issued(NOP, 2026, 1_250_000, date(2026, 8, 31), False, at, ce_time),
                     TaxBillIssued(nop=NOP, year=2026, amount_due=1_250_000, due_date=date(2026, 8, 31), paid=False,
                                   source_app="cek-pbb", issued_at=AT))
    same_as_contract(r.changed(NOP, 2026, 1_300_000, date(2026, 9, 30), True, ("amount_due", "due_date"), at, ce_time),
                     TaxBillChanged(nop=NOP, year=2026, amount_due=1_300_000, due_date=date(2026, 9, 30), paid=True,
                                    source_app="cek-pbb", changed=("amount_due", "due_date"), changed_at=AT))
    same_as_contract(r.paid(NOP, 2026, 1_250_000, at, ce_time),
                     TaxBillPaid(nop=NOP, year=2026, amount_paid=1_250_000, source_app="cek-pbb", paid_at=AT))
    same_as_contract(r.paid(NOP, 2026, None, iso(AT.replace(microsecond=0)), ce_time),
                     TaxBillPaid(nop=NOP, year=2026, source_app="cek-pbb", paid_at=AT.replace(microsecond=0)))
