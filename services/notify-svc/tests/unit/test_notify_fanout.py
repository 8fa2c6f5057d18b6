"""What replicas tell each other: small notifications, and anything else on the channel ignored."""

import pytest

from palapa.notify.fanout import listener_dsn, parse, payload


def test_a_notification_names_its_origin_ticket_and_revision_in_a_few_bytes():
    text = payload("a" * 32, "CURHAT-1042", 7)
    assert parse(text) == ("a" * 32, "CURHAT-1042", 7)
    assert len(text.encode()) < 100  # PostgreSQL's limit is 8000 bytes


@pytest.mark.parametrize("junk", ["", "null", "[]", "{}", "not json", '{"o": "x", "t": "CURHAT-1"}',
                                  '{"o": "x", "t": "CURHAT-1", "r": "3"}', '{"o": "x", "t": "CURHAT-1", "r": 0}',
                                  '{"o": "x", "t": 5, "r": 1}', '{"o": "x", "t": "CURHAT-1", "r": true}'])
def test_anything_else_on_the_channel_is_ignored(junk):
    assert parse(junk) is None


def test_the_listener_connects_with_plain_asyncpg_whatever_the_url_spelling():
    assert listener_dsn("postgresql+psycopg://u:p@db:5432/palapa") == "postgresql://u:p@db:5432/palapa"
    # a Unix socket folder (embedded PostgreSQL) stays in the query, percent-encoded: asyncpg decodes it
    assert listener_dsn("postgres://u@/palapa?host=/tmp/s") == "postgresql://u@/palapa?host=%2Ftmp%2Fs"
