"""A NOP followed at the gate goes on the citizen's one live stream (issue 20), on the real broker and PostgreSQL:
the follow gets its own ticket (CaseFollowed from taxbill-svc) and the bill's view; each later change of the bill
(issued, changed, paid) publishes a new view per follow, each follower on their own ticket; an unfollowed NOP
publishes nothing more for that citizen."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import TaxBillIssued, TaxBillPaid
from palapa.contracts.topics import CITIZEN_BILLS, CITIZEN_CASES
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

NOP = "357601000100209999"


def bill_event(event) -> Envelope:
    return Envelope(event, source="/apps/cek-pbb", subject=event.nop)


async def test_a_followed_bill_and_its_changes_reach_each_follower_on_their_own_ticket(http, issuer, producer,
                                                                                     topic_reader):
    siti, budi = issuer.headers("warga-siti-pbb"), issuer.headers("warga-budi-pbb")
    assert (await http.post("/citizen/tax-bills", json={"nop": NOP}, headers=siti)).status_code == 201
    assert (await http.post("/citizen/tax-bills", json={"nop": NOP}, headers=siti)).status_code == 201  # again: one
    assert (await http.post("/citizen/tax-bills", json={"nop": NOP}, headers=budi)).status_code == 201

    def followed():
        found = {r.envelope.data.account: r.envelope.data for r in topic_reader.of(CITIZEN_CASES)
                 if r.envelope.data.ticket.startswith(f"PBB-{NOP}-")}
        return found if len(found) == 2 else None

    follows = await eventually(followed, what="two CaseFollowed")
    tickets = {account: f.ticket for account, f in follows.items()}
    assert tickets["warga-siti-pbb"] != tickets["warga-budi-pbb"]
    assert {f.how.value for f in follows.values()} == {"followed_nop"}
    assert len([r for r in topic_reader.of(CITIZEN_CASES) if r.envelope.data.ticket in tickets.values()]) == 2

    def views_of(ticket: str, at_least: int):
        found = [r.envelope.data for r in topic_reader.of(CITIZEN_BILLS) if r.envelope.data.ticket == ticket]
        return found if len(found) >= at_least else None

    first = (await eventually(lambda: views_of(tickets["warga-siti-pbb"], 1), what="the first view"))[0]
    assert (first.revision, first.status, first.status_label) == (1, "none", "Belum ada tagihan")

    await producer.send(bill_event(TaxBillIssued(nop=NOP, year=2026, amount_due=1_250_000, due_date=date(2026, 8, 31),
                                                 source_app="cek-pbb", issued_at=datetime.now(UTC))))
    issued = (await eventually(lambda: views_of(tickets["warga-siti-pbb"], 2), what="the issued bill's view"))[-1]
    assert (issued.revision, issued.year, issued.amount_due, issued.status) == (2, 2026, 1_250_000, "due")
    assert (await eventually(lambda: views_of(tickets["warga-budi-pbb"], 2), what="Budi's view"))[-1].status == "due"

    assert (await http.delete(f"/citizen/tax-bills/{NOP}", headers=budi)).status_code == 200
    await producer.send(bill_event(TaxBillPaid(nop=NOP, year=2026, amount_paid=1_250_000, source_app="cek-pbb",
                                               paid_at=datetime.now(UTC))))
    paid = (await eventually(lambda: views_of(tickets["warga-siti-pbb"], 3), what="the paid bill's view"))[-1]
    assert (paid.revision, paid.paid, paid.status_label) == (3, True, "Lunas")
    assert len(views_of(tickets["warga-budi-pbb"], 0)) == 2  # unfollowed: nothing more for Budi
