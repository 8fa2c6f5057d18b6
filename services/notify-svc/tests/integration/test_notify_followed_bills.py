"""A PBB bill a citizen follows on their one live stream (issue 20): taxbill-svc's CaseFollowed names the follow's own
ticket, its FollowedBillUpdated views go on that citizen's feed as `bill.updated`, and on nobody else's."""

from datetime import UTC, date, datetime

import pytest

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import CaseFollowed, FollowedBillUpdated, FollowedHow
from palapa.testkit.sse import open_stream

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
NOP = "357601000100208888"
TAXBILL = "/services/taxbill-svc"


def bill_view(ticket: str, revision: int, paid: bool) -> Envelope:
    event = FollowedBillUpdated(ticket=ticket, revision=revision, nop=NOP, nop_formatted="35.76.010.001.002-0888.8",
                                year=2026, amount_due=1_250_000, due_date=date(2026, 8, 31), paid=paid,
                                status="paid" if paid else "due", status_label="Lunas" if paid else "Belum lunas",
                                updated_at=NOW)
    return Envelope(event, source=TAXBILL, subject=ticket)


async def test_a_followed_bills_changes_reach_its_follower_live_and_nobody_else(settings_for, serve, producer,
                                                                                 issuer):
    siti, budi = "warga-siti-bills-1", "warga-budi-bills-1"
    mine, theirs = f"PBB-{NOP}-0A1B2C3D", f"PBB-{NOP}-4E5F6A7B"
    async with serve(settings_for(CITIZEN_ISSUER=issuer.url)) as svc:
        for ticket, account in ((mine, siti), (theirs, budi)):
            await producer.send(Envelope(CaseFollowed(ticket=ticket, account=account, how=FollowedHow.FOLLOWED_NOP,
                                                      at=NOW), source=TAXBILL, subject=ticket))
            await producer.send(bill_view(ticket, 1, paid=False))
        # (staff read no bill: the stream itself says when the first view is on the feed, replayed or live)
        async with open_stream(svc.http, "/citizen/events", headers=issuer.headers(siti)) as stream:
            first = await stream.next_event(timeout=60)
            assert (first.event, first.json()["ticket"], first.json()["status_label"]) == (
                "bill.updated", mine, "Belum lunas")
            await producer.send(bill_view(theirs, 2, paid=True))  # Budi's follow: never on Siti's stream
            await producer.send(bill_view(mine, 2, paid=True))
            paid = await stream.next_event(timeout=60)
            assert (paid.event, paid.json()["ticket"], paid.json()["status_label"]) == ("bill.updated", mine, "Lunas")
