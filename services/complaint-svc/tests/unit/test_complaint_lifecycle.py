"""The canonical lifecycle as a table (pure); what each channel's codes mean is its bridge's (bridge-curhat's tests)."""

import pytest

from palapa.complaint.lifecycle.transitions import TRANSITIONS, is_open, refusal
from palapa.contracts.events import CASE_STATUS_KIND, CaseStatus

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
