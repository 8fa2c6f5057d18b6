"""Staff moves written back into tb_pengaduan, the pure rules: the reverse table, and write, unchanged or
superseded."""

from datetime import UTC, datetime

import pytest

from palapa.bridge_curhat.moves import Superseded, Unchanged, Write, decide
from palapa.bridge_curhat.translate import DELETED_CODE, canonical_status
from palapa.contracts.events import CASE_STATUS_KIND, CaseStatus, SetComplaintStatus
from palapa.curhat_legacy.codes import CODES_FOR

S = CaseStatus


def cmd(status: CaseStatus, seen: CaseStatus) -> SetComplaintStatus:
    return SetComplaintStatus(ticket="CURHAT-1042", legacy_ref="1042", status=status, seen_status=seen,
                              by="budi.dpupr", revision=3, moved_at=datetime(2026, 11, 26, 3, tzinfo=UTC))


@pytest.mark.parametrize("status", list(CaseStatus))
def test_every_status_is_written_as_a_curhat_code_of_the_same_kind(status):
    meaning = canonical_status(CODES_FOR[status])
    assert meaning is not None and CASE_STATUS_KIND[meaning] is CASE_STATUS_KIND[status]


def test_the_app_s_own_statuses_are_written_as_the_code_that_reads_back_as_them():
    for status in (S.RECEIVED, S.VERIFIED, S.IN_PROGRESS, S.RESOLVED, S.REJECTED):
        assert canonical_status(CODES_FOR[status]) is status


def test_a_row_still_where_the_portal_saw_it_is_written():
    assert decide("1", cmd(S.IN_PROGRESS, S.VERIFIED)) == Write("2")
    assert decide(" Diverifikasi ", cmd(S.IN_PROGRESS, S.VERIFIED)) == Write("2")  # the same status, older screen
    assert decide("1", cmd(S.IN_PROGRESS, S.DISPOSITIONED)) == Write("2")  # dispositioned is written as 1


def test_a_row_already_saying_what_the_move_means_is_left_as_it_is():
    assert decide("diproses", cmd(S.IN_PROGRESS, S.VERIFIED)) == Unchanged()  # the app made the same move
    assert decide("1", cmd(S.DISPOSITIONED, S.VERIFIED)) == Unchanged()  # the app has no disposition of its own


def test_a_row_the_app_moved_since_the_portal_saw_it_supersedes_the_move():
    assert decide("9", cmd(S.IN_PROGRESS, S.VERIFIED)) == Superseded("9", S.REJECTED)
    assert decide("0", cmd(S.IN_PROGRESS, S.VERIFIED)) == Superseded("0", S.RECEIVED)  # set back in the app
    assert decide("ditunda", cmd(S.IN_PROGRESS, S.VERIFIED)) == Superseded("ditunda", None)  # a code it wrote freely


def test_a_row_deleted_from_the_app_supersedes_the_move():
    assert decide(None, cmd(S.IN_PROGRESS, S.VERIFIED)) == Superseded(DELETED_CODE, S.CLOSED)
