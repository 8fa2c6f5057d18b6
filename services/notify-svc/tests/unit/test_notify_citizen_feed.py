"""A citizen's feed, the pure part: its key can be no ticket's, and appended views are numbered after the head."""

from palapa.contracts.events import is_ticket
from palapa.notify.domain import SentRevisions, Update, feed_key, is_feed_key, numbered


def view(ticket: str, revision: int) -> Update:
    return Update(ticket, revision, {"ticket": ticket, "revision": revision}, event="ticket.updated")


def test_a_feeds_key_is_never_a_tickets():
    key = feed_key("warga-" + "a" * 32)
    assert is_feed_key(key) and not is_ticket(key)
    assert not is_feed_key("SURAT-ABC") and not is_feed_key("CURHAT-1")


def test_views_are_numbered_after_the_accounts_head_in_order_keeping_each_view_whole():
    fed = numbered("warga-x", 7, [view("SURAT-A", 3), view("CURHAT-9", 1)])
    assert [(e.ticket, e.revision) for e in fed] == [("@warga-x", 8), ("@warga-x", 9)]
    assert [e.data["ticket"] for e in fed] == ["SURAT-A", "CURHAT-9"] and fed[0].event == "ticket.updated"


def test_a_resumed_feed_sends_each_number_once_as_a_tickets_stream_does():
    sent = SentRevisions(8)
    fed = numbered("warga-x", 7, [view("SURAT-A", 3), view("SURAT-A", 4), view("SURAT-A", 5)])
    assert [sent.admit(e) for e in fed] == [False, True, True]
