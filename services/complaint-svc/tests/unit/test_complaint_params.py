"""Listing parameters and page tokens, checked without a server: every bad value is refused with its reason."""

import base64
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from palapa.complaint.cases.params import (
    BadParamError,
    PageToken,
    decode_page_token,
    encode_page_token,
    parse_filters,
    parse_queue,
)
from palapa.complaint.lifecycle.domain import Policy, open_case
from palapa.complaint.routing.domain import SEED_RULES, RoutingTable
from palapa.complaint.sla.workdays import WorkCalendar
from palapa.contracts.events import ComplaintSubmittedV2

FIVE = Policy(RoutingTable(SEED_RULES), WorkCalendar().add_working_days)


def token_of(value) -> str:
    """A token built the way ours are, around any JSON value."""
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def test_good_parameters_are_normalised():
    assert parse_filters(" dpupr ", "In_Progress", "5", "true") == ("DPUPR", "in_progress", 5, True)
    assert parse_filters(None, None, None, None) == (None, None, 20, None)
    assert parse_filters(None, None, " 100 ", "0").limit == 100


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("DP UPR", None, None, None), "invalid_opd"),
        (("ﬀ", None, None, None), "invalid_opd"),  # upper() would make it 'FF'
        (("DPUPR\x00", None, None, None), "invalid_opd"),
        (("D" * 65, None, None, None), "invalid_opd"),
        ((None, "done", None, None), "invalid_status"),
        ((None, "received\x00", None, None), "invalid_status"),
        ((None, None, "0", None), "invalid_limit"),
        ((None, None, "101", None), "invalid_limit"),
        ((None, None, "-3", None), "invalid_limit"),
        ((None, None, "abc", None), "invalid_limit"),
        ((None, None, "²", None), "invalid_limit"),  # a Unicode digit that int() refuses
        ((None, None, "٣", None), "invalid_limit"),  # an Arabic-Indic digit that int() would read
        ((None, None, "5.0", None), "invalid_limit"),
        ((None, None, "9" * 5000, None), "invalid_limit"),  # past int()'s digit limit
        ((None, None, "", None), "invalid_limit"),
        ((None, None, None, "maybe"), "invalid_overdue"),
    ],
)
def test_a_bad_parameter_is_named_by_its_reason(args, reason):
    with pytest.raises(BadParamError) as err:
        parse_filters(*args)
    assert err.value.reason == reason


def test_a_page_token_names_the_last_case_of_a_page():
    at = datetime(2026, 11, 20, 1, 30, 5, 123456, tzinfo=UTC)
    submitted = ComplaintSubmittedV2(ticket="CURHAT-9", source_app="a", source_ref="9", description="x",
                                     submitted_at=at)
    case = open_case(submitted, policy=FIVE)
    assert decode_page_token(encode_page_token(case)) == PageToken(at, "CURHAT-9")
    assert decode_page_token(encode_page_token(case, by_deadline=True)) == PageToken(case.due_at, "CURHAT-9", True)


def test_a_page_token_in_another_time_zone_reads_as_utc():
    at = datetime(2026, 11, 20, 8, 30, tzinfo=timezone(timedelta(hours=7)))
    token = decode_page_token(token_of({"at": at.isoformat(), "t": "CURHAT-1"}))
    assert token.at == at and token.at.tzinfo == UTC


@pytest.mark.parametrize(
    "token",
    [
        "", "nonsense", "e30", "eyJhdCI6ICJ4In0", "%%%", "ëë", "A" * 10_000,
        token_of([1, 2]), token_of("x"), token_of(None), token_of({"at": 5, "t": "CURHAT-1"}),
        token_of({"at": "2026-11-20T01:30:00", "t": "CURHAT-1"}),  # no time zone
        token_of({"at": "2026-11-20T01:30:00+00:00", "t": 7}),
        token_of({"at": "2026-11-20T01:30:00+00:00", "t": "CURHAT-\x00"}),  # PostgreSQL refuses NUL
        token_of({"at": "2026-11-20T01:30:00+00:00", "t": "\ud800"}),  # a lone surrogate: not UTF-8
        token_of({"at": "2026-11-20T01:30:00+00:00", "t": ""}),
        token_of({"at": "2026-11-20T01:30:00+00:00", "t": "X" * 65}),
        token_of({"at": "2026-11-20T01:30:00+00:00", "t": "CURHAT-1", "o": "acak"}),  # an order we do not have
        token_of({"at": "0001-01-01T00:00:00+05:00", "t": "CURHAT-1"}),  # before year 1 in UTC
        token_of({"at": "9999-12-31T23:59:59-05:00", "t": "CURHAT-1"}),  # after year 9999 in UTC
        base64.urlsafe_b64encode(b"[" * 100 + b"]" * 100).decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_a_foreign_page_token_is_refused(token):
    with pytest.raises(BadParamError) as err:
        decode_page_token(token)
    assert err.value.reason == "invalid_cursor"


def test_the_staff_queue_parameters_are_validated():
    assert parse_queue(None, None, None) == (None, None, False, False)
    assert parse_queue(None, None, "deadline", "true").mine and not parse_queue(None, None, None, "0").mine
    with pytest.raises(BadParamError, match="mine harus"):
        parse_queue(None, None, None, "kadang")
    assert parse_queue("  Lampu   jalan ", "", "deadline") == ("Lampu jalan", None, True, False)
    for bad in (("x" * 101, None, None), (None, "a\x00b", None), (None, None, "sideways")):
        with pytest.raises(BadParamError):
            parse_queue(*bad)
