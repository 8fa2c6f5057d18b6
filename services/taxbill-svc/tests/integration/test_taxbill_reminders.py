"""The tax-bill reminder on the real broker and PostgreSQL: a phone account following an unpaid bill due within a
week is reminded once, whatever passes, restarts or replicas repeat; the event names the account, never a number."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import TaxBillIssued, TaxBillReminderDue
from palapa.contracts.topics import TAX_REMINDERS
from palapa.taxbill.main import create_app
from palapa.taxbill.reminders import Reminders
from palapa.taxbill.settings import TaxBillSettings
from palapa.testkit import eventually, running

pytestmark = pytest.mark.integration

SOON, LATER, PAID = "357601000100209991", "357601000100209992", "357601000100209993"
FOLLOWER = "warga-" + "5a" * 16


@pytest.fixture
async def svc(kafka_bootstrap, database_url, issuer):
    settings = TaxBillSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url,
                               KAFKA_PROFILE="tansu", CITIZEN_ISSUER=issuer.url, REMINDER_CHECK_SECONDS=3600)
    async with running(create_app(settings), name="taxbill-svc") as found:
        yield found


def bill(nop: str, due_in_days: int, paid: bool = False) -> Envelope:
    due = (datetime.now(UTC) + timedelta(hours=7) + timedelta(days=due_in_days)).date()
    return Envelope(TaxBillIssued(nop=nop, year=2026, amount_due=245_000, due_date=due, paid=paid,
                                  source_app="cek-pbb", issued_at=datetime.now(UTC)),
                    source="/apps/cek-pbb", subject=nop)


async def test_a_followed_unpaid_bill_due_within_a_week_is_reminded_once_whatever_passes_repeat(
        svc, issuer, producer, topic_reader):
    for account in (FOLLOWER, "inapas-3576011234"):  # only a phone account can be messaged
        for nop in (SOON, LATER, PAID):
            headers = issuer.headers(account)
            assert (await svc.http.post("/citizen/tax-bills", json={"nop": nop}, headers=headers)).status_code == 201
    for sent in (bill(SOON, 3), bill(LATER, 20), bill(PAID, 2, paid=True)):
        await producer.send(sent)

    async def three_bills():
        found = [(await svc.http.get(f"/tax-bills/{nop}")).status_code for nop in (SOON, LATER, PAID)]
        return found == [200, 200, 200]

    await eventually(three_bills, what="the three bills stored")
    first = Reminders(svc.runtime, 7)
    decided = await first.remind_once()
    again = await Reminders(svc.runtime, 7).remind_once()  # a restarted service, or a second replica
    assert (decided, again) == (1, 0) or (decided, again) == (0, 0)  # the running pass may have decided it first

    await eventually(lambda: topic_reader.of(TAX_REMINDERS), what="the reminder on its topic")
    [record] = topic_reader.of(TAX_REMINDERS)
    event = record.envelope.data
    assert isinstance(event, TaxBillReminderDue)
    assert (record.key, event.nop, event.account, event.amount_due) == (SOON, SOON, FOLLOWER, 245_000)
    assert set(event.model_dump()) == {"nop", "year", "amount_due", "due_date", "account", "decided_at"}
