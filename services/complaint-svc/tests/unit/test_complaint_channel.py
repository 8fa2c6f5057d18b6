"""A case's channel is the app that verifiably produced its event, not what the payload says (issue 18)."""

from datetime import UTC, datetime

import pytest

from palapa.complaint.lifecycle.domain import RefusedError
from palapa.complaint.lifecycle.intake import check_channel
from palapa.contracts.events import ComplaintSubmittedV2

OWN = "complaint-svc"


def submitted(source_app: str) -> ComplaintSubmittedV2:
    return ComplaintSubmittedV2(ticket="CURHAT-1", source_app=source_app, source_ref="1", category="Jalan Rusak",
                              description="Jalan berlubang", submitted_at=datetime(2026, 12, 7, tzinfo=UTC))


def test_an_event_whose_source_app_is_its_verified_producer_passes():
    check_channel(submitted("curhat-ning-ita"), "curhat-ning-ita", OWN)


def test_another_app_claiming_to_be_curhat_is_refused():
    with pytest.raises(RefusedError, match="'curhat-ning-ita' is not the app that signed it \\('psc-119'\\)"):
        check_channel(submitted("curhat-ning-ita"), "psc-119", OWN)


def test_complaint_svcs_own_portal_and_open311_events_name_their_channel():
    check_channel(submitted("palapa-portal"), OWN, OWN)


def test_without_verification_the_payload_is_all_there_is():
    check_channel(submitted("anything"), None, OWN)
