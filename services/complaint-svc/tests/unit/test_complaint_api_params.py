"""Listing parameters and cursors, checked without a server."""

from datetime import UTC, datetime

import pytest

from palapa.complaint.api import BadParamError, decode_cursor, encode_cursor, parse_filters
from palapa.complaint.domain import open_case
from palapa.contracts.events import ComplaintSubmitted


def test_good_parameters_are_normalised():
    assert parse_filters(" dpupr ", "In_Progress", "5", "true") == ("DPUPR", "in_progress", 5, True)
    assert parse_filters(None, None, None, None) == (None, None, 20, None)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("DP UPR", None, None, None), "invalid_opd"),
        ((None, "done", None, None), "invalid_status"),
        ((None, None, "0", None), "invalid_limit"),
        ((None, None, "101", None), "invalid_limit"),
        ((None, None, "-3", None), "invalid_limit"),
        ((None, None, "abc", None), "invalid_limit"),
        ((None, None, None, "maybe"), "invalid_overdue"),
    ],
)
def test_a_bad_parameter_is_named_by_its_reason(args, reason):
    with pytest.raises(BadParamError) as err:
        parse_filters(*args)
    assert err.value.reason == reason


def test_a_cursor_names_the_last_case_of_a_page():
    at = datetime(2026, 11, 20, 1, 30, 5, 123456, tzinfo=UTC)
    case = open_case(ComplaintSubmitted(ticket="CURHAT-9", source_app="a", source_ref="9", description="x", submitted_at=at))
    assert decode_cursor(encode_cursor(case)) == (at, "CURHAT-9")


@pytest.mark.parametrize("cursor", ["", "nonsense", "e30", "eyJhdCI6ICJ4In0"])
def test_a_foreign_cursor_is_refused(cursor):
    with pytest.raises(BadParamError) as err:
        decode_cursor(cursor)
    assert err.value.reason == "invalid_cursor"
