"""Pure rules of the live feed: frames, ticket and resume validation, resume filtering."""

import json

import pytest

from palapa.notify.domain import (
    MAX_REVISION,
    BadResumeError,
    BadTicketError,
    SentRevisions,
    Update,
    format_event,
    missed,
    parse_last_event_id,
    validate_ticket,
)


def _u(revision: int, ticket: str = "CURHAT-1042", **data) -> Update:
    return Update(ticket, revision, {"ticket": ticket, "revision": revision, **data})


def test_an_update_is_one_frame_with_event_name_revision_id_and_json_data():
    frame = format_event(_u(3, status_label="Sedang diproses"))
    lines = frame.split("\n")
    assert lines[0] == "event: complaint.updated"
    assert lines[1] == "id: 3"
    assert lines[2].startswith("data: ")
    assert json.loads(lines[2][len("data: "):]) == {
        "ticket": "CURHAT-1042", "revision": 3, "status_label": "Sedang diproses"
    }
    assert frame.endswith("\n\n") and lines[3:] == ["", ""]


def test_data_with_a_line_break_is_split_over_data_lines():
    frame = format_event(_u(1, note="baris satu\nbaris dua"))
    data_lines = [line for line in frame.split("\n") if line.startswith("data: ")]
    assert len(data_lines) == 1  # json.dumps escapes the break; the JSON stays on one line
    assert "baris satu\\nbaris dua" in data_lines[0]


def test_indonesian_text_is_sent_as_utf8_not_escaped():
    assert "Sedang diproses — Dinas PU" in format_event(_u(1, status_label="Sedang diproses — Dinas PU"))


@pytest.mark.parametrize("ticket", ["CURHAT-1042", "CURHAT-1", "LAPOR-2026-77", "A-B"])
def test_well_formed_tickets_are_accepted(ticket):
    assert validate_ticket(ticket) == ticket


@pytest.mark.parametrize(
    "ticket", ["", "curhat-1042", "CURHAT", "CURHAT-", "-1042", "CURHAT 1042", "CURHAT-1042;DROP", "X-" + "9" * 70]
)
def test_malformed_tickets_are_refused_with_a_reason_in_bahasa(ticket):
    with pytest.raises(BadTicketError, match="tidak valid"):
        validate_ticket(ticket)


def test_no_last_event_id_means_from_the_start():
    assert parse_last_event_id(None, None) == 0
    assert parse_last_event_id("", None) == 0


def test_the_header_wins_over_the_query_parameter():
    assert parse_last_event_id("7", "3") == 7
    assert parse_last_event_id(None, "3") == 3
    assert parse_last_event_id(" 5 ", None) == 5


def test_the_highest_revision_the_store_can_hold_is_a_valid_last_event_id():
    assert parse_last_event_id("2147483647", None) == MAX_REVISION == 2**31 - 1


@pytest.mark.parametrize(
    "raw", ["abc", "-1", "1.5", "٣", "²", "9" * 30, "9" * 5000, "2147483648", "1\x000", "+5", "0x10", "1_000"]
)
def test_a_last_event_id_that_is_not_a_revision_is_refused(raw):
    with pytest.raises(BadResumeError, match="nomor revisi"):
        parse_last_event_id(raw, None)


def test_a_resuming_client_gets_only_newer_revisions_in_order_each_once():
    stored = [_u(4), _u(2), _u(3), _u(5), _u(3), _u(1)]
    assert [u.revision for u in missed(stored, 2)] == [3, 4, 5]
    assert [u.revision for u in missed(stored, 0)] == [1, 2, 3, 4, 5]
    assert missed(stored, 5) == []


def test_sent_revisions_lets_each_revision_through_once_and_never_an_older_one():
    sent = SentRevisions(2)
    assert [sent.admit(_u(r)) for r in (2, 3, 3, 1, 4)] == [False, True, False, False, True]
    assert sent.last == 4


def test_sent_revisions_sees_a_gap_when_a_live_revision_skips_ahead():
    sent = SentRevisions(3)
    assert not sent.gap_before(_u(4))
    assert sent.gap_before(_u(6))
