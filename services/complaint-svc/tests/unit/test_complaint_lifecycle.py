"""The canonical lifecycle as a table, and each channel's codes mapped into it (pure)."""

import pytest

from palapa.complaint.lifecycle.transitions import CURHAT_CODES, TRANSITIONS, channel_status, is_open, refusal
from palapa.contracts.events import CASE_STATUS_KIND, CaseStatus, ComplaintStatus
from palapa.curhat_legacy.codes import STATUS_VARIANTS

S = CaseStatus
LEGAL = [
    (S.RECEIVED, S.VERIFIED), (S.VERIFIED, S.DISPOSITIONED), (S.DISPOSITIONED, S.IN_PROGRESS),
    (S.IN_PROGRESS, S.RESOLVED), (S.RESOLVED, S.CLOSED), (S.RECEIVED, S.IN_PROGRESS), (S.VERIFIED, S.IN_PROGRESS),
    (S.RECEIVED, S.REJECTED), (S.DISPOSITIONED, S.NOT_OUR_REMIT), (S.RECEIVED, S.DUPLICATE),
    (S.RESOLVED, S.REOPENED), (S.CLOSED, S.REOPENED), (S.REJECTED, S.REOPENED), (S.DUPLICATE, S.REOPENED),
    (S.NOT_OUR_REMIT, S.DISPOSITIONED), (S.REOPENED, S.IN_PROGRESS), (S.IN_PROGRESS, S.REJECTED),
]
ILLEGAL = [
    (S.RESOLVED, S.IN_PROGRESS), (S.CLOSED, S.RESOLVED), (S.IN_PROGRESS, S.VERIFIED), (S.REJECTED, S.RESOLVED),
    (S.DUPLICATE, S.IN_PROGRESS), (S.RECEIVED, S.CLOSED), (S.RECEIVED, S.REOPENED), (S.IN_PROGRESS, S.DUPLICATE),
    (S.VERIFIED, S.RECEIVED), (S.CLOSED, S.CLOSED),
]


@pytest.mark.parametrize(("a", "b"), LEGAL)
def test_a_legal_move_is_allowed(a, b):
    assert refusal(a, b) is None


@pytest.mark.parametrize(("a", "b"), ILLEGAL)
def test_an_illegal_move_is_refused_with_what_is_allowed(a, b):
    why = refusal(a, b)
    assert why.startswith(f"illegal transition {a.value} -> {b.value} (from {a.value}: ")


def test_every_status_has_a_row_a_kind_and_nothing_moves_back_but_through_reopened():
    assert set(TRANSITIONS) == set(CaseStatus) == set(CASE_STATUS_KIND)
    main = [S.RECEIVED, S.VERIFIED, S.DISPOSITIONED, S.IN_PROGRESS, S.RESOLVED, S.CLOSED]
    for i, a in enumerate(main):
        assert not TRANSITIONS[a] & set(main[: i + 1])
    assert [s for s in CaseStatus if is_open(s)] == [S.RECEIVED, S.VERIFIED, S.DISPOSITIONED, S.IN_PROGRESS, S.REOPENED]
    assert {s for s in CaseStatus if CASE_STATUS_KIND[s] == "fixed"} == {S.RESOLVED, S.CLOSED}


STAGE_STATUS = {0: S.RECEIVED, 1: S.VERIFIED, 2: S.IN_PROGRESS, 3: S.RESOLVED, 9: S.REJECTED}


@pytest.mark.parametrize(("stage", "code"), [(s, c) for s, cs in STATUS_VARIANTS.items() for c in (str(s), *cs)])
def test_every_curhat_code_the_legacy_app_writes_maps_to_its_stage_status(stage, code):
    assert channel_status("curhat-ning-ita", code, ComplaintStatus.RECEIVED) == STAGE_STATUS[stage]


def test_an_unknown_code_or_channel_falls_back_to_the_v1_status_the_bridge_set():
    assert channel_status("curhat-ning-ita", "77", ComplaintStatus.VERIFIED) == S.VERIFIED
    assert channel_status("lapor", "diproses", ComplaintStatus.IN_PROGRESS) == S.IN_PROGRESS
    assert channel_status("curhat-ning-ita", None, ComplaintStatus.RESOLVED) == S.RESOLVED


def test_curhat_codes_follow_the_main_line_forward():
    order = [STAGE_STATUS[s] for s in (0, 1, 2, 3)]
    for a, b in zip(order, order[1:], strict=False):
        assert refusal(a, b) is None
    assert all(refusal(s, CURHAT_CODES["9"]) is None for s in order[:3])
